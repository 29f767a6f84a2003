import type { App } from '../domain/app.js';
import type { Deployment } from '../domain/deployment.js';
import type { BuboEvent } from '../domain/event.js';
import { type Instance, isServing, isTerminal } from '../domain/instance.js';
import { reconcile } from '../reconciler/reconcile.js';
import type { ReconcileApp } from '../reconciler/reconcile-input.js';
import type { ReconcilePlan } from '../reconciler/reconcile-plan.js';
import { schedule } from '../scheduler/schedule.js';
import type { SchedulerSnapshot } from '../scheduler/scheduler-snapshot.js';
import type { DeploySpec } from '../taskfile/task-spec.js';
import { applyPlacements } from './apply-placements.js';
import { buildSnapshot } from './build-snapshot.js';
import type { CoreContext } from './core-context.js';
import { evaluateDeployment } from './evaluate-deployment.js';
import { markAssignmentsChanged } from './mark-assignments-changed.js';
import { markCatalogChanged } from './mark-catalog-changed.js';
import { instanceSizer } from './instance-sizer.js';
import { newId } from './new-id.js';
import { event } from './record-event.js';
import { ROLLBACK_ID_PREFIX } from './rollback-app.js';
import { specResources } from './spec-resources.js';

const ACTOR = 'system';
const IDLE_DEPLOY: DeploySpec = { strategy: 'rolling', max_unavailable: 1, max_surge: 1, healthy_deadline_ms: 300_000, drain_delay_ms: 2_000, switch_grace_ms: 30_000 };

/** Last "cannot place" message per app, so a blocked app logs one event, not one per second. */
export type BlockedMemo = Map<string, string>;

export interface ReconcileOutcome {
  placed: number;
  stopped: number;
  lost: number;
  hostsDown: number;
  changedAssignments: boolean;
}

/**
 * The one place that applies plans: snapshot the store, let the pure reconciler say what should
 * change and the pure scheduler say where, then write all of it in one transaction and wake the
 * agents. Safe to re-run at any time and after a crash: it only ever acts on the stored state.
 */
export async function reconcileOnce(ctx: CoreContext, blocked: BlockedMemo = new Map()): Promise<ReconcileOutcome> {
  const now = ctx.now();
  const [hosts, apps, instances] = await Promise.all([
    ctx.store.listHosts(),
    ctx.store.listApps(),
    ctx.store.listInstances({ unsettled: true }),
  ]);
  const appsById = new Map(apps.map((a) => [a.id, a]));
  const reconcileApps: ReconcileApp[] = [];
  const switches: { app: App; deployment: Deployment }[] = [];
  for (const app of apps) {
    const release = app.release === null ? undefined : await ctx.releases.get(ctx.store, app.id, app.release);
    const count = app.stopped || app.destroying ? 0 : app.count;
    const deploy = release?.spec.deploy ?? IDLE_DEPLOY;
    let holdOld = false;
    if (deploy.strategy === 'blue-green' && count > 0) {
      const deployment = await ctx.store.activeDeployment(app.id);
      if (deployment && deployment.toRelease === app.release) {
        if (deployment.switchedAt === null) {
          // Traffic switches in this pass once the whole new set serves; the grace starts now.
          const slots = instances.filter((i) => i.appId === app.id && i.release === app.release && i.slot < count && isServing(i)).map((i) => i.slot);
          const serving = new Set(slots).size;
          if (serving >= count) switches.push({ app, deployment });
          holdOld = serving < count || deploy.switch_grace_ms > 0;
        } else {
          holdOld = now < deployment.switchedAt + deploy.switch_grace_ms;
        }
      }
    }
    reconcileApps.push({ appId: app.id, release: app.release, count, deploy, holdOld });
  }
  const plan = reconcile({
    now,
    hostTtlMs: ctx.options.hostTtlMs,
    failedReplaceDelayMs: ctx.options.failedReplaceDelayMs,
    apps: reconcileApps,
    instances,
    hosts: hosts.map((h) => ({ id: h.id, status: h.status, lastHeartbeatAt: h.lastHeartbeatAt })),
  });

  // What the scheduler sees: hosts going down now are down, instances lost now hold nothing.
  const down = new Set(plan.hostsDown);
  const lost = new Set(plan.lost.map((l) => l.instanceId));
  const sizeOf = await instanceSizer(ctx.store, ctx.releases, instances);
  let snapshot = buildSnapshot(
    hosts.map((h) => (down.has(h.id) ? { ...h, status: 'down' as const } : h)),
    instances.map((i) => (lost.has(i.id) ? { ...i, state: 'lost' as const } : i)),
    sizeOf,
  );
  const placed: Instance[] = [];
  const events: Omit<BuboEvent, 'id'>[] = [];
  for (const [key, places] of groupBy(plan.place, (p) => `${p.appId}#${p.release}`)) {
    const first = places[0]!;
    const app = appsById.get(first.appId)!;
    const release = await ctx.releases.get(ctx.store, first.appId, first.release);
    const result = placeApp(snapshot, app, release.spec, places.length, ctx.seed());
    snapshot = result.snapshot;
    const names = new Map(hosts.map((h) => [h.id, h.name]));
    result.hostIds.forEach((hostId, n) => {
      const p = places[n]!;
      placed.push({
        id: newId(release.spec.app),
        appId: app.id,
        release: p.release,
        hostId,
        slot: p.slot,
        desired: 'run',
        state: 'pending',
        address: null,
        message: '',
        // With a check, an instance serves only once the agent reports it healthy.
        health: release.spec.check ? 'unknown' : 'none',
        healthMessage: '',
        createdAt: now,
        updatedAt: now,
      });
    });
    if (result.hostIds.length > 0) {
      const where = [...new Set(result.hostIds.map((id) => names.get(id)))].join(', ');
      events.push(
        event(now, ACTOR, 'instance.placed', `placed ${result.hostIds.length} instance(s) of ${app.id} release ${first.release} on ${where}`, {
          appId: app.id,
          data: { release: first.release, instances: placed.slice(-result.hostIds.length).map((i) => i.id) },
        }),
      );
      for (const w of result.warnings) events.push(event(now, ACTOR, 'capacity.overprovisioned', w, { appId: app.id }));
    }
    if (result.blocked && blocked.get(key) !== result.blocked) {
      events.push(event(now, ACTOR, 'placement.blocked', result.blocked, { appId: app.id }));
    }
    if (result.blocked) blocked.set(key, result.blocked);
    else blocked.delete(key);
  }

  const outcome: ReconcileOutcome = {
    placed: placed.length,
    stopped: plan.stop.length,
    lost: plan.lost.length,
    hostsDown: plan.hostsDown.length,
    changedAssignments: placed.length + plan.stop.length + plan.lost.length > 0,
  };
  for (const { app, deployment } of switches) {
    events.push(
      event(now, ACTOR, 'deployment.switched', `deployment ${deployment.id}: every instance of release ${deployment.toRelease} is healthy; load balancer and DNS switched to it`, {
        appId: app.id,
        data: { deployment: deployment.id, release: deployment.toRelease },
      }),
    );
  }
  // Notifier keys of what this pass changes: the hosts whose instances changed, the catalog.
  const changed = new Set<string>();
  await ctx.store.transaction(async (tx) => {
    for (const { deployment } of switches) await tx.updateDeployment(deployment.id, { switchedAt: now, updatedAt: now });
    if (switches.length > 0) await markCatalogChanged(tx, changed);
    for (const hostId of plan.hostsDown) {
      await tx.updateHost(hostId, { status: 'down' });
      const name = hosts.find((h) => h.id === hostId)?.name ?? hostId;
      events.push(event(now, ACTOR, 'host.down', `host ${name} missed its heartbeats; marked down`, { hostId }));
    }
    for (const { instanceId, reason } of plan.lost) {
      await tx.updateInstance(instanceId, { state: 'lost', message: reason, updatedAt: now });
    }
    await stopInstances(tx, plan, now);
    events.push(...describeStops(plan, instances, now));
    if (placed.length > 0) await tx.insertInstances(placed);
    if (outcome.changedAssignments) {
      const hostOf = new Map(instances.map((i) => [i.id, i.hostId]));
      const touched = [...plan.stop.map((s) => s.instanceId), ...plan.lost.map((l) => l.instanceId)].map((id) => hostOf.get(id)!);
      await markAssignmentsChanged(tx, [...touched, ...placed.map((i) => i.hostId)], changed);
      // Stopped and lost instances leave the catalog at once, before agents report them stopped.
      if (plan.stop.length + plan.lost.length > 0) await markCatalogChanged(tx, changed);
    }
    events.push(...(await settleApps(ctx, tx, apps, now, changed)));
    if (events.length > 0) await tx.appendEvents(events);
  });
  // Only the hosts whose instances changed wake; catalog followers (DNS, load balancers) wake
  // on the catalog key: a blue-green switch or a rollback must reach them now, not when their
  // poll times out.
  ctx.notifier.notify(changed);
  return outcome;
}

function placeApp(snapshot: SchedulerSnapshot, app: App, spec: Parameters<typeof specResources>[0], count: number, seed: number) {
  const resources = specResources(spec);
  const request = { appId: app.id, group: spec.group, runtime: spec.runtime, resources, count };
  let plan = schedule(snapshot, request, { seed, force: app.overProvision });
  let blocked: string | null = null;
  if (plan.placements.length < count) {
    blocked = `cannot place ${count} instance(s) of ${app.id} in group "${spec.group}": ${plan.summary}`;
    // Place as many as fit (largest n by binary search): a partly served app beats none.
    let lo = 0;
    let hi = count - 1;
    let best = plan;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const attempt = schedule(snapshot, { ...request, count: mid }, { seed, force: app.overProvision });
      if (attempt.placements.length === mid) {
        lo = mid;
        best = attempt;
      } else hi = mid - 1;
    }
    plan = lo > 0 ? best : { ...plan, placements: [] };
  }
  const hostIds = plan.placements.map((p) => p.hostId);
  return { snapshot: applyPlacements(snapshot, app.id, resources, hostIds), hostIds, warnings: plan.warnings, blocked };
}

async function stopInstances(tx: CoreContext['store'], plan: ReconcilePlan, now: number) {
  const ids = plan.stop.map((s) => s.instanceId);
  if (ids.length > 0) await tx.updateInstances(ids, { desired: 'stop', updatedAt: now });
}

function describeStops(plan: ReconcilePlan, instances: Instance[], now: number) {
  const byId = new Map(instances.map((i) => [i.id, i]));
  const out: Omit<BuboEvent, 'id'>[] = [];
  for (const [appId, stops] of groupBy(plan.stop, (s) => byId.get(s.instanceId)?.appId ?? '?')) {
    const reasons = [...new Set(stops.map((s) => s.reason))].join('; ');
    out.push(
      event(now, ACTOR, 'instance.stopping', `stopping ${stops.length} instance(s) of ${appId}: ${reasons}`, {
        appId,
        data: { instances: stops.map((s) => s.instanceId) },
      }),
    );
  }
  return out;
}

/** Finishes deployments that are done or out of time and deletes destroyed apps that are empty. */
async function settleApps(ctx: CoreContext, tx: CoreContext['store'], apps: App[], now: number, changed: Set<string>) {
  const out: Omit<BuboEvent, 'id'>[] = [];
  for (const app of apps) {
    const deployment = await tx.activeDeployment(app.id);
    const needsLook = deployment || app.destroying;
    if (!needsLook) continue;
    const instances = await tx.listInstances({ appId: app.id });
    if (deployment) {
      const release = await ctx.releases.get(tx, app.id, deployment.toRelease);
      const verdict = evaluateDeployment(deployment, app, instances, release.spec.deploy.healthy_deadline_ms, now);
      if (verdict) {
        const rollBackTo = verdict.status === 'failed' ? await rollbackTarget(tx, deployment) : null;
        const message = rollBackTo === null ? verdict.message : `${verdict.message}; rolled back to release ${rollBackTo}`;
        await tx.updateDeployment(deployment.id, { status: verdict.status, message, updatedAt: now });
        out.push(
          event(now, ACTOR, `deployment.${verdict.status}`, `deployment ${deployment.id} ${verdict.status}: ${message}`, {
            appId: app.id,
            data: { deployment: deployment.id, release: deployment.toRelease },
          }),
        );
        if (rollBackTo !== null) {
          out.push(...(await rollBack(ctx, tx, app, deployment, rollBackTo, instances, now, changed)));
        }
      }
    }
    if (app.destroying && instances.every((i) => i.state === 'stopped' || i.state === 'failed' || i.state === 'lost')) {
      await tx.deleteApp(app.id);
      await markCatalogChanged(tx, changed);
      ctx.releases.forgetApp(app.id);
      out.push(event(now, ACTOR, 'app.destroyed', `${app.id} destroyed`, { appId: app.id }));
    }
  }
  return out;
}

/**
 * Takes a failed deployment's app back to `to`. The old release is still serving (nothing was
 * taken away before new instances were healthy), so going back is mostly pointing the app at it
 * again, at the count it ran with (unless someone scaled since the deploy). A deployment of its
 * own tracks the way back, so `bubo status` shows it and the new release's leftovers are replaced
 * at the old release's pace. Its instances that do not serve stop at once, and so does a failed
 * blue-green set (it never served); a blue-green rollback counts as switched from the start, so
 * nothing of the failed release is listed while it stops.
 */
async function rollBack(ctx: CoreContext, tx: CoreContext['store'], app: App, failed: Deployment, to: number, instances: Instance[], now: number, changed: Set<string>) {
  const [failedRelease, target] = await Promise.all([ctx.releases.get(tx, app.id, failed.toRelease), ctx.releases.get(tx, app.id, to)]);
  const count = failed.fromCount !== null && app.count === failedRelease.spec.count ? failed.fromCount : app.count;
  await tx.updateApp(app.id, { release: to, count, updatedAt: now });
  const out: Omit<BuboEvent, 'id'>[] = [
    event(now, ACTOR, 'deployment.rolled_back', `${app.id} rolled back from release ${failed.toRelease} to ${to}${count !== app.count ? ` at ${count} instance(s)` : ''}`, {
      appId: app.id,
      data: { deployment: failed.id, from: failed.toRelease, to, count },
    }),
  ];
  // Those that serve in a rolling deploy are replaced at the old release's pace; the rest stop now.
  const stopNow = (i: Instance) => failedRelease.spec.deploy.strategy === 'blue-green' || !isServing(i);
  const leftovers = instances.filter((i) => i.release === failed.toRelease && i.desired === 'run' && !isTerminal(i.state) && stopNow(i));
  if (leftovers.length > 0) {
    await tx.updateInstances(
      leftovers.map((i) => i.id),
      { desired: 'stop', updatedAt: now },
    );
    await markAssignmentsChanged(tx, leftovers.map((i) => i.hostId), changed);
    out.push(
      event(now, ACTOR, 'instance.stopping', `stopping ${leftovers.length} instance(s) of ${app.id}: release ${failed.toRelease} failed`, {
        appId: app.id,
        data: { instances: leftovers.map((i) => i.id) },
      }),
    );
  }
  const deployment: Deployment = {
    id: newId(`${ROLLBACK_ID_PREFIX}${app.name}`),
    appId: app.id,
    fromRelease: failed.toRelease,
    fromCount: app.count,
    toRelease: to,
    status: 'running',
    message: `rolling back to release ${to} after deployment ${failed.id} failed`,
    switchedAt: target.spec.deploy.strategy === 'blue-green' ? now : null,
    createdAt: now,
    updatedAt: now,
  };
  await tx.insertDeployment(deployment);
  await markCatalogChanged(tx, changed);
  out.push(
    event(now, ACTOR, 'deployment.started', `deployment ${deployment.id}: automatic rollback of ${app.id} from release ${failed.toRelease} to ${to}`, {
      appId: app.id,
      data: { deployment: deployment.id, from: failed.toRelease, to, rollback: true },
    }),
  );
  return out;
}

/**
 * Where a failed deployment goes back to: the release it came from, if it still exists. A failed
 * `bubo rollback` is not undone: that would bring back the release the user moved away from.
 */
async function rollbackTarget(tx: CoreContext['store'], deployment: Deployment): Promise<number | null> {
  if (deployment.fromRelease === null || deployment.fromRelease === deployment.toRelease) return null;
  if (deployment.id.startsWith(ROLLBACK_ID_PREFIX)) return null;
  return (await tx.getRelease(deployment.appId, deployment.fromRelease)) ? deployment.fromRelease : null;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
