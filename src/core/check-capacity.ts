import { appId as makeAppId } from '../domain/app.js';
import type { Instance } from '../domain/instance.js';
import { RESOURCE_KEYS, type Resources } from '../domain/resources.js';
import { InsufficientCapacityError } from '../errors/insufficient-capacity-error.js';
import { formatShortfall } from '../scheduler/format-shortfall.js';
import type { PlacementPlan } from '../scheduler/placement-plan.js';
import type { PlacementRequest } from '../scheduler/placement-request.js';
import { schedule } from '../scheduler/schedule.js';
import type { Store } from '../store/store.js';
import type { TaskSpec } from '../domain/task-spec.js';
import { buildSnapshot } from './build-snapshot.js';
import type { CoreContext } from './core-context.js';
import { instanceSizer } from './instance-sizer.js';
import { owedInstances } from './owed-instances.js';
import { reserveOwed } from './reserve-owed.js';
import { rolloutStart } from './rollout-start.js';
import { specResources } from './spec-resources.js';

/**
 * Counts capacity decisions. Bumping it is the first write of every deploy, scale and rollback
 * transaction: it takes the database's write lock before anything is read (SQLite: like BEGIN
 * IMMEDIATE; PostgreSQL: a row lock held to commit), so two capacity decisions never run on the
 * same state, even from two processes. In one process the single SQLite connection already runs
 * one transaction at a time; the lock keeps that true for a second server or another database.
 */
export const CAPACITY_COUNTER = 'capacity';

export interface CapacityOptions {
  /**
   * Set when the decision starts a rollout to this release (`null`: one not stored yet, as in a
   * deploy): then the first step of the rollout must also fit beside the app's live instances.
   */
  rolloutTo?: number | null;
}

/**
 * Asks the scheduler whether `count` instances of `spec` fit in its group once the app's own
 * current instances are gone (the steady state after the rollout) and every other app has the
 * instances it is owed (accepted but not placed yet; see `owedInstances`), and, for a rollout,
 * whether its first step fits beside the app's live instances (see `rolloutStart`). Refuses with
 * the shortfall table unless forced; forced, returns the over-provisioning warnings to record.
 *
 * Contract: `tx` is the transaction that then records the new count or release, so the decision
 * and the demand it admits commit together and the next decision sees both. Never call it with a
 * store outside a transaction, and never touch `ctx.store` from inside one: that waits for the
 * connection the transaction holds, forever.
 */
export async function checkCapacity(
  ctx: CoreContext,
  tx: Store,
  spec: TaskSpec,
  count: number,
  force: boolean,
  options: CapacityOptions = {},
): Promise<{ warnings: string[] }> {
  await tx.incrementCounter(CAPACITY_COUNTER);
  const id = makeAppId(spec.namespace, spec.app);
  const [hosts, apps, instances, volumes] = await Promise.all([tx.listHosts(), tx.listApps(), tx.listInstances({ live: true }), tx.listVolumes()]);
  const sizeOf = await instanceSizer(tx, ctx.releases, instances);
  const seed = ctx.seed();
  const liveByApp = new Map<string, Instance[]>();
  for (const i of instances) {
    const list = liveByApp.get(i.appId);
    if (list) list.push(i);
    else liveByApp.set(i.appId, [i]);
  }
  const owed: PlacementRequest[] = [];
  for (const app of apps) {
    if (app.id === id || app.release === null) continue;
    const wanted = app.stopped || app.destroying ? 0 : app.count;
    const release = await ctx.releases.get(tx, app.id, app.release);
    const resources = specResources(release.spec);
    const live = liveByApp.get(app.id) ?? [];
    const newIsLarger = live.some((i) => i.release !== app.release && !fitsWithin(resources, sizeOf(i)));
    const n = owedInstances(wanted, app.release, release.spec.deploy, live, newIsLarger);
    if (n > 0) owed.push({ appId: app.id, group: release.spec.group, runtime: release.spec.runtime, resources, count: n });
  }
  const inGroup = owed.filter((o) => o.group === spec.group);
  const reserved =
    inGroup.length > 0
      ? ` (free after the ${inGroup.reduce((n, o) => n + o.count, 0)} instance(s) owed to ${inGroup.length} other app(s) not placed yet)`
      : '';
  const request = { appId: id, group: spec.group, runtime: spec.runtime, resources: specResources(spec), count };

  const steady = schedule(reserveOwed(buildSnapshot(hosts, instances, sizeOf, id, volumes), owed, seed), request, { seed, force });
  if (!steady.fits && !(force && steady.placements.length === count)) {
    throw refusal(steady, force, spec.group, `cannot place ${count} instance(s) of ${id} in group "${spec.group}"`, reserved);
  }
  if (options.rolloutTo !== undefined && !force) {
    const own = liveByApp.get(id) ?? [];
    const first = rolloutStart(count, options.rolloutTo, spec.deploy, own, spec.volumes.length > 0);
    if (first > 0) {
      const start = schedule(reserveOwed(buildSnapshot(hosts, instances, sizeOf, undefined, volumes), owed, seed), { ...request, count: first }, { seed });
      if (!start.fits) {
        const old = own.filter((i) => i.desired === 'run' && i.release !== options.rolloutTo).length;
        const why = `cannot start the ${spec.deploy.strategy} rollout of ${id} in group "${spec.group}": it needs ${first} new instance(s) running beside the ${old} old one(s)`;
        throw refusal(start, force, spec.group, why, reserved);
      }
    }
  }
  return { warnings: steady.warnings };
}

function refusal(plan: PlacementPlan, force: boolean, group: string, what: string, reserved: string): InsufficientCapacityError {
  const forceHint = plan.shortfall.length > 0 && !force ? '\nPass --force to place anyway and over-provision the group.' : '';
  const table = plan.shortfall.length > 0 ? `\n${formatShortfall(plan.shortfall)}` : '';
  return new InsufficientCapacityError(`${what}: ${plan.summary}${reserved}${table}${forceHint}`, {
    group,
    summary: plan.summary,
    shortfall: plan.shortfall,
    rejections: plan.rejections.map((r) => ({ host: r.hostName, reason: r.reason })),
  });
}

function fitsWithin(a: Resources, b: Resources): boolean {
  return RESOURCE_KEYS.every((key) => a[key] <= b[key]);
}
