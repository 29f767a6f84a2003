import type { AppStatus } from '../api/app-status.js';
import { ConflictError } from '../errors/conflict-error.js';
import { checkCapacity } from './check-capacity.js';
import type { CoreContext } from './core-context.js';
import { findApp } from './find-app.js';
import { getAppStatus } from './get-app-status.js';
import { event } from './record-event.js';

/**
 * Changes the instance count of an app. Growing it (or starting a stopped app) is checked against
 * the group's capacity in the same transaction that records the count, so concurrent scales and
 * deploys into one group are decided one after the other (see `checkCapacity`); shrinking never is.
 */
export async function scaleApp(
  ctx: CoreContext,
  input: { namespace: string; app: string; count: number; force?: boolean | undefined; actor: string },
): Promise<AppStatus> {
  const force = input.force === true;
  await ctx.store.transaction(async (tx) => {
    const app = await findApp(tx, input.namespace, input.app);
    if (app.release === null) throw new ConflictError(`app ${app.id} has no release yet; run "bubo deploy" first`);
    const release = await ctx.releases.get(tx, app.id, app.release);
    const grows = input.count > (app.stopped ? 0 : app.count);
    const { warnings } = grows ? await checkCapacity(ctx, tx, release.spec, input.count, force) : { warnings: [] };
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
