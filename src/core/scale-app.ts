import type { AppStatus } from '../api/app-status.js';
import { checkCapacity } from './check-capacity.js';
import type { CoreContext } from './core-context.js';
import { findApp } from './find-app.js';
import { getAppStatus } from './get-app-status.js';
import { event } from './record-event.js';
import { ConflictError } from '../errors/conflict-error.js';

/** Changes the instance count of an app; growing it is checked against the group's capacity. */
export async function scaleApp(
  ctx: CoreContext,
  input: { namespace: string; app: string; count: number; force?: boolean | undefined; actor: string },
): Promise<AppStatus> {
  const app = await findApp(ctx.store, input.namespace, input.app);
  if (app.release === null) throw new ConflictError(`app ${app.id} has no release yet; run "bubo deploy" first`);
  const release = await ctx.releases.get(ctx.store, app.id, app.release);
  const force = input.force === true;
  const { warnings } = input.count > 0 ? await checkCapacity(ctx, release.spec, input.count, force) : { warnings: [] };
  await ctx.store.transaction(async (tx) => {
    const now = ctx.now();
    await tx.updateApp(app.id, {
      count: input.count,
      stopped: false,
      overProvision: app.overProvision || (force && warnings.length > 0),
      updatedAt: now,
    });
    await tx.appendEvents([
      event(now, input.actor, 'app.scaled', `${app.id} scaled from ${app.stopped ? 0 : app.count} to ${input.count}`, {
        appId: app.id,
        data: { from: app.count, to: input.count },
      }),
      ...warnings.map((w) => event(now, input.actor, 'capacity.overprovisioned', w, { appId: app.id })),
    ]);
  });
  ctx.wake();
  return getAppStatus(ctx, input.namespace, input.app);
}
