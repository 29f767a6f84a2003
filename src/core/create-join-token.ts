import { randomBytes } from 'node:crypto';
import type { JoinToken } from '../domain/join-token.js';
import type { CoreContext } from './core-context.js';
import { hashJoinToken } from './hash-join-token.js';
import { joinTokenView } from './join-token-view.js';
import { newId } from './new-id.js';
import { event } from './record-event.js';
import { requirePki } from './require-pki.js';

export interface CreateJoinTokenInput {
  group: string;
  labels: Record<string, string>;
  roles: string[];
  ttl_ms: number;
  uses: number;
  actor: string;
}

/** A new join token: the secret is returned here once, the store keeps its hash. */
export async function createJoinToken(ctx: CoreContext, input: CreateJoinTokenInput) {
  const pki = requirePki(ctx);
  const now = ctx.now();
  const secret = `bubo_join_${randomBytes(24).toString('base64url')}`;
  const token: JoinToken = {
    id: newId('jt'),
    tokenHash: hashJoinToken(secret),
    group: input.group,
    labels: input.labels,
    roles: input.roles,
    usesLeft: input.uses,
    expiresAt: now + input.ttl_ms,
    revoked: false,
    createdAt: now,
  };
  await ctx.store.transaction(async (tx) => {
    await tx.insertJoinToken(token);
    await tx.appendEvents([
      event(now, input.actor, 'join_token.created', `join token ${token.id} created for group ${token.group} (${token.usesLeft} use(s), until ${new Date(token.expiresAt).toISOString()})`),
    ]);
  });
  const server = pki.joinUrl ?? 'https://SERVER:7443';
  return {
    ...joinTokenView(token),
    token: secret,
    ca_fingerprint: pki.caFingerprint,
    server_url: pki.joinUrl,
    // Labels and roles come with the token; the command needs only where and how to join.
    agent_command: `bubo agent --server ${server} --join ${secret} --ca-fingerprint ${pki.caFingerprint}`,
  };
}
