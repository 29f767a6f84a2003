import type { CoreContext } from './core-context.js';
import { findApp } from './find-app.js';
import { event } from './record-event.js';

/**
 * Marks an app for destruction. The control loop stops its instances and deletes the app once
 * none is live, so a destroy survives a server restart half-way.
 */
export async function destroyApp(
  ctx: CoreContext,
  input: { namespace: string; app: string; actor: string },
): Promise<{ app: string; namespace: string; destroying: true }> {
  const app = await findApp(ctx.store, input.namespace, input.app);
  await ctx.store.transaction(async (tx) => {
    const now = ctx.now();
    await tx.updateApp(app.id, { destroying: true, updatedAt: now });
    const running = await tx.activeDeployment(app.id);
    if (running) await tx.updateDeployment(running.id, { status: 'superseded', message: 'app destroyed', updatedAt: now });
    await tx.appendEvents([event(now, input.actor, 'app.destroying', `${app.id} is being destroyed`, { appId: app.id })]);
  });
  ctx.wake();
  return { app: app.name, namespace: app.namespace, destroying: true };
}
