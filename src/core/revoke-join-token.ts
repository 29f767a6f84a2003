import { NotFoundError } from '../errors/not-found-error.js';
import type { CoreContext } from './core-context.js';
import { joinTokenView } from './join-token-view.js';
import { event } from './record-event.js';

/** Revoking is final and idempotent; hosts that joined with the token keep their certificates. */
export async function revokeJoinToken(ctx: CoreContext, input: { id: string; actor: string }) {
  return ctx.store.transaction(async (tx) => {
    const token = await tx.getJoinToken(input.id);
    if (!token) throw new NotFoundError('join token', input.id, 'see "bubo host join-token ls"');
    if (!token.revoked) {
      await tx.revokeJoinToken(token.id);
      await tx.appendEvents([event(ctx.now(), input.actor, 'join_token.revoked', `join token ${token.id} (group ${token.group}) revoked`)]);
    }
    return joinTokenView({ ...token, revoked: true });
  });
}
