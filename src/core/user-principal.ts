import type { CoreContext } from './core-context.js';
import { hashJoinToken as hashToken } from './hash-join-token.js';
import type { Principal } from './principal.js';

/**
 * The user token a bearer header carries, looked up on every call so that a revocation or an
 * expiry takes effect at once; undefined when the header names no live token.
 */
export async function findUserPrincipal(ctx: CoreContext, header: string | undefined): Promise<Principal | undefined> {
  const secret = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (secret === undefined || secret.length > 256) return undefined;
  const token = await ctx.store.findApiTokenByHash(hashToken(secret));
  if (!token || token.revoked || (token.expiresAt !== null && token.expiresAt <= ctx.now())) return undefined;
  return { kind: 'user', token };
}

/** Whether `principal` sees namespace `namespace` in lists (every principal but a scoped user token sees all). */
export function visibleTo(principal: Principal, namespace: string): boolean {
  return principal.kind !== 'user' || principal.token.namespaces.length === 0 || principal.token.namespaces.includes(namespace);
}
