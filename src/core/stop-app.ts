import type { AppStatus } from '../api/app-status.js';
import type { CoreContext } from './core-context.js';
import { findApp } from './find-app.js';
import { getAppStatus } from './get-app-status.js';
import { event } from './record-event.js';

/** Stops every instance but keeps the app, its count and its releases; `deploy` or `scale` starts it again. */
export async function stopApp(ctx: CoreContext, input: { namespace: string; app: string; actor: string }): Promise<AppStatus> {
  const app = await findApp(ctx.store, input.namespace, input.app);
  await ctx.store.transaction(async (tx) => {
    const now = ctx.now();
    await tx.updateApp(app.id, { stopped: true, updatedAt: now });
    await tx.appendEvents([event(now, input.actor, 'app.stopped', `${app.id} stopped`, { appId: app.id })]);
  });
  ctx.wake();
  return getAppStatus(ctx, input.namespace, input.app);
}
