import { NotFoundError } from '../errors/not-found-error.js';
import type { CoreContext } from './core-context.js';
import { apiTokenView } from './api-token-view.js';
import { event } from './record-event.js';

/** Final and idempotent: the next call with the token is refused (tokens are looked up on every call). */
export async function revokeApiToken(ctx: CoreContext, input: { id: string; actor: string }) {
  return ctx.store.transaction(async (tx) => {
    const token = await tx.getApiToken(input.id);
    if (!token) throw new NotFoundError('token', input.id, 'see "bubo token ls"');
    if (!token.revoked) {
      await tx.revokeApiToken(token.id);
      await tx.appendEvents([event(ctx.now(), input.actor, 'token.revoked', `token ${token.id} of ${token.name} revoked`, { data: { id: token.id, name: token.name } })]);
    }
    return apiTokenView({ ...token, revoked: true });
  });
}
