import { randomBytes } from 'node:crypto';
import type { ApiToken, Grant, Role } from '../domain/api-token.js';
import type { CoreContext } from './core-context.js';
import { apiTokenView } from './api-token-view.js';
import { hashJoinToken as hashToken } from './hash-join-token.js';
import { newId } from './new-id.js';
import { event } from './record-event.js';

/** `bubo token create`: a token for a person or robot; the secret is in this answer only. */
export async function createApiToken(ctx: CoreContext, input: { name: string; role: Role; namespaces: string[]; grants: Grant[]; ttl_ms?: number | undefined; actor: string }) {
  const now = ctx.now();
  const secret = `bubo_tok_${randomBytes(24).toString('base64url')}`;
  const token: ApiToken = {
    id: newId('tok'),
    name: input.name,
    role: input.role,
    namespaces: [...new Set(input.namespaces)].sort(),
    grants: [...new Set(input.grants)],
    tokenHash: hashToken(secret),
    expiresAt: input.ttl_ms === undefined ? null : now + input.ttl_ms,
    revoked: false,
    createdAt: now,
    createdBy: input.actor,
  };
  const scope = token.namespaces.length > 0 ? ` of ${token.namespaces.join(', ')}` : '';
  await ctx.store.transaction(async (tx) => {
    await tx.insertApiToken(token);
    await tx.appendEvents([event(now, input.actor, 'token.created', `token ${token.id} created for ${token.name}: ${token.role}${scope}`, { data: { id: token.id, name: token.name, role: token.role } })]);
  });
  return { ...apiTokenView(token), token: secret };
}
