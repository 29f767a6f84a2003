import { type Instance, isTerminal } from '../../domain/instance.js';
import { ZERO_RESOURCES } from '../../domain/resources.js';
import { reconcile } from '../../reconciler/reconcile.js';
import { buildSnapshot } from '../build-snapshot.js';
import { newId as randomId } from '../new-id.js';
import { event } from '../record-event.js';
import { specResources } from '../spec-resources.js';
import type { ControlPlan } from './control-plan.js';
import { type ControlSnapshot, releaseKey } from './control-snapshot.js';
import { describeStops } from './describe-stops.js';
import { planPlacements } from './plan-placements.js';
import { planReconcileApps } from './plan-reconcile-apps.js';
import { planSettlement } from './plan-settlement.js';

const ACTOR = 'system';

/**
 * One control pass, decided purely from a snapshot: the reconciler says what should change
 * (hosts down, instances lost, stopped, to place), the scheduler says where new instances go,
 * blue-green deployments whose new set serves switch traffic, and deployments are settled
 * (succeeded, superseded, failed → rolled back) over the world as it will be after this plan.
 * Nothing is read or written here; `newId` is the only source of fresh names.
 */
export function planControlPass(snapshot: ControlSnapshot, now: number, newId: (prefix: string) => string = randomId): ControlPlan {
  const { apps, switches } = planReconcileApps(snapshot, now);
  // What the control loop must look at: not terminal, or terminal and still desired to run.
  const unsettled = snapshot.instances.filter((i) => !isTerminal(i.state) || i.desired === 'run');
  const plan = reconcile({
    now,
    hostTtlMs: snapshot.hostTtlMs,
    heartbeatsSince: snapshot.startedAt,
    failedReplaceDelayMs: snapshot.failedReplaceDelayMs,
    apps,
    instances: unsettled,
    hosts: snapshot.hosts.map((h) => ({ id: h.id, name: h.name, status: h.status, lastHeartbeatAt: h.lastHeartbeatAt, ...(h.draining ? { draining: true } : {}) })),
  });

  // What the scheduler sees: hosts going down now are down, instances lost now hold nothing.
  const down = new Set(plan.hostsDown);
  const lost = new Map(plan.lost.map((l) => [l.instanceId, l.reason]));
  const sizeOf = (i: Instance) => {
    const release = snapshot.releases.get(releaseKey(i.appId, i.release));
    return release ? specResources(release.spec) : ZERO_RESOURCES;
  };
  const scheduler = buildSnapshot(
    snapshot.hosts.map((h) => (down.has(h.id) ? { ...h, status: 'down' as const } : h)),
    unsettled.map((i) => (lost.has(i.id) ? { ...i, state: 'lost' as const } : i)),
    sizeOf,
    undefined,
    snapshot.volumes,
  );
  const placements = planPlacements(snapshot, scheduler, plan.place, now, newId);

  const events = [...placements.events];
  for (const deployment of switches) {
    events.push(
      event(now, ACTOR, 'deployment.switched', `deployment ${deployment.id}: every instance of release ${deployment.toRelease} is healthy; load balancer and DNS switched to it`, {
        appId: deployment.appId,
        data: { deployment: deployment.id, release: deployment.toRelease },
      }),
    );
  }
  for (const hostId of plan.hostsDown) {
    const name = snapshot.hosts.find((h) => h.id === hostId)?.name ?? hostId;
    events.push(event(now, ACTOR, 'host.down', `host ${name} missed its heartbeats; marked down`, { hostId }));
  }
  events.push(...describeStops(plan.stop, unsettled, now));

  const stopped = new Set(plan.stop.map((s) => s.instanceId));
  // A drained instance is marked moving only once its replacement is placed (else it is retried next pass).
  const placedSlots = new Set(placements.placed.map((p) => `${p.appId}#${p.slot}`));
  const moving = new Set(plan.moving.filter((id) => {
    const i = snapshot.instances.find((x) => x.id === id);
    return i !== undefined && placedSlots.has(`${i.appId}#${i.slot}`);
  }));
  const unknown = new Map(plan.unknown.map((u) => [u.instanceId, u.reason]));
  const after: Instance[] = snapshot.instances.map((i) => {
    const reason = lost.get(i.id);
    if (reason !== undefined) return { ...i, state: 'lost', message: reason, updatedAt: now };
    const silent = unknown.get(i.id);
    const seen: Instance = silent === undefined ? i : { ...i, state: 'unknown', message: silent, updatedAt: now };
    const moved: Instance = moving.has(i.id) ? { ...seen, moving: true } : seen;
    return stopped.has(i.id) ? { ...moved, desired: 'stop', updatedAt: now } : moved;
  });
  after.push(...placements.placed);
  const settlement = planSettlement(snapshot, after, now, newId);
  events.push(...settlement.events);

  // A rollback may stop an instance placed in this very pass: it is inserted already stopped.
  const stopLater = new Set(settlement.stop);
  const place = placements.placed.map((i): Instance => (stopLater.has(i.id) ? { ...i, desired: 'stop' } : i));
  const placedIds = new Set(place.map((i) => i.id));
  const changedAssignments = place.length + plan.stop.length + plan.lost.length > 0;
  const stop = [...plan.stop.map((s) => s.instanceId), ...settlement.stop.filter((id) => !placedIds.has(id) && !stopped.has(id))];
  const hostOf = new Map(snapshot.instances.map((i) => [i.id, i.hostId]));
  const assignmentHosts = new Set(place.map((i) => i.hostId));
  for (const id of [...stop, ...plan.lost.map((l) => l.instanceId)]) {
    const hostId = hostOf.get(id);
    if (hostId !== undefined) assignmentHosts.add(hostId);
  }
  return {
    hostsDown: plan.hostsDown,
    lost: plan.lost,
    unknown: plan.unknown,
    stop,
    moving: [...moving],
    place,
    newVolumes: placements.newVolumes,
    deleteVolumes: placements.deleteVolumes,
    growVolumes: placements.growVolumes,
    deploymentUpdates: [...switches.map((d) => ({ id: d.id, patch: { switchedAt: now, updatedAt: now } })), ...settlement.deploymentUpdates],
    appUpdates: settlement.appUpdates,
    newDeployments: settlement.newDeployments,
    deleteApps: settlement.deleteApps,
    events,
    blocked: placements.blocked,
    assignmentsChanged: changedAssignments || settlement.assignmentsChanged,
    assignmentHosts: [...assignmentHosts].sort(),
    // Stopped, lost and unknown instances leave the catalog at once, before agents report them stopped.
    catalogChanged: switches.length > 0 || plan.stop.length + plan.lost.length + plan.unknown.length > 0 || settlement.catalogChanged,
    reconcilerStops: plan.stop.length,
  };
}
