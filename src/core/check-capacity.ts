import { appId as makeAppId } from '../domain/app.js';
import { InsufficientCapacityError } from '../errors/insufficient-capacity-error.js';
import { formatShortfall } from '../scheduler/format-shortfall.js';
import { schedule } from '../scheduler/schedule.js';
import type { TaskSpec } from '../taskfile/task-spec.js';
import { buildSnapshot } from './build-snapshot.js';
import type { CoreContext } from './core-context.js';
import { instanceSizer } from './instance-sizer.js';
import { specResources } from './spec-resources.js';

/**
 * Asks the scheduler whether `count` instances of `spec` fit in its group once the app's own
 * current instances are gone (the steady state after the rollout). Refuses with the shortfall
 * table unless forced; forced, returns the over-provisioning warnings to record.
 */
export async function checkCapacity(
  ctx: CoreContext,
  spec: TaskSpec,
  count: number,
  force: boolean,
): Promise<{ warnings: string[] }> {
  const id = makeAppId(spec.namespace, spec.app);
  const [hosts, instances] = await Promise.all([ctx.store.listHosts(), ctx.store.listInstances({ live: true })]);
  const sizeOf = await instanceSizer(ctx.store, ctx.releases, instances);
  const snapshot = buildSnapshot(hosts, instances, sizeOf, id);
  const request = { appId: id, group: spec.group, runtime: spec.runtime, resources: specResources(spec), count };
  const plan = schedule(snapshot, request, { seed: ctx.seed(), force });
  if (plan.fits || (force && plan.placements.length === count)) return { warnings: plan.warnings };
  const forceHint = plan.shortfall.length > 0 && !force ? '\nPass --force to place anyway and over-provision the group.' : '';
  const table = plan.shortfall.length > 0 ? `\n${formatShortfall(plan.shortfall)}` : '';
  throw new InsufficientCapacityError(
    `cannot place ${count} instance(s) of ${id} in group "${spec.group}": ${plan.summary}${table}${forceHint}`,
    {
      group: spec.group,
      summary: plan.summary,
      shortfall: plan.shortfall,
      rejections: plan.rejections.map((r) => ({ host: r.hostName, reason: r.reason })),
    },
  );
}
