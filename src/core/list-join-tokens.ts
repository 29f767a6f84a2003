import type { CoreContext } from './core-context.js';
import { joinTokenView } from './join-token-view.js';

export async function listJoinTokens(ctx: CoreContext) {
  return { join_tokens: (await ctx.store.listJoinTokens()).map(joinTokenView) };
}
