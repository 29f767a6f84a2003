import { appMinimum } from './app-minimum.js';
import type { BatchCheck, BatchRejection } from './batch-check.js';
import { checkHostReady } from './check-host-ready.js';
import { checkMinServing } from './check-min-serving.js';
import { checkMoveCapacity } from './check-move-capacity.js';
import { checkSpread } from './check-spread.js';
import { hostNames } from './host-names.js';
import type { MaintenancePlan, PlannedBatch, PlannedMove } from './maintenance-plan.js';
import type { MaintenancePlanInput } from './maintenance-plan-input.js';
import { type MaintenanceWorld, maintenanceWorld } from './maintenance-world.js';
import { servingDuring } from './serving-during.js';

export type { MaintenancePlan, PlannedBatch, PlannedMove } from './maintenance-plan.js';
export type { MaintenanceApp, MaintenanceHost, MaintenanceInstance, MaintenancePlanInput } from './maintenance-plan-input.js';

/** Cheapest first: a down host needs no capacity sums. */
const CHECKS: readonly BatchCheck[] = [checkHostReady, checkSpread, checkMinServing, checkMoveCapacity];

const EMPTY: ReadonlySet<string> = new Set();

/**
 * Split the targets into batches, in the user's order, so that maintaining a batch (moving its
 * movable instances first, stopping its pinned ones) keeps every app at its minimum. Greedy: a
 * batch starts with the first host not yet planned and takes the next ones that keep every rule,
 * up to the batch size; a host that breaks a rule waits for a later batch. A host that breaks a
 * rule alone refuses the plan, with what would fix it.
 *
 * Each batch is checked against the cluster as it is now (the snapshot), not as earlier batches
 * leave it: replacements the scheduler places while batch 1 runs change the free capacity that
 * batch 2 sees. The operation re-checks live before each batch drains (the serving counts), so
 * this plan is a forecast a human confirms, not a promise.
 */
export function planMaintenance(input: MaintenancePlanInput): MaintenancePlan {
  const world = maintenanceWorld(input);
  const targets = [...new Set(input.targets)];
  const size = batchSize(input.batch, targets.length);
  const batches: PlannedBatch[] = [];
  let remaining = targets;
  while (remaining.length > 0) {
    const first = remaining[0] as string;
    const alone = new Set([first]);
    const refusal = firstRejection(world, alone, first);
    if (refusal) {
      return { ok: false, reason: `${hostNames(world, [first])} cannot be maintained: ${refusal.reason}`, fix: refusal.fix, batches };
    }
    const batch = new Set(alone);
    let leftOut: { hostId: string; rejection: BatchRejection } | null = null;
    for (const hostId of remaining.slice(1)) {
      if (batch.size >= size) break;
      const tried = new Set([...batch, hostId]);
      const rejection = firstRejection(world, tried, hostId);
      if (rejection) leftOut ??= { hostId, rejection };
      else batch.add(hostId);
    }
    batches.push(plannedBatch(world, [...batch], size, leftOut));
    remaining = remaining.filter((id) => !batch.has(id));
  }
  return { ok: true, batches, warnings: warnings(world, targets) };
}

/** `--batch 2` or `--batch 25%` of the targets (floor, at least one host). */
export function batchSize(batch: MaintenancePlanInput['batch'], targets: number): number {
  if ('hosts' in batch) return Math.max(1, Math.floor(batch.hosts));
  return Math.max(1, Math.floor((targets * batch.percent) / 100));
}

function firstRejection(world: MaintenanceWorld, batch: ReadonlySet<string>, added: string): BatchRejection | null {
  for (const check of CHECKS) {
    const rejection = check(world, batch, added);
    if (rejection) return rejection;
  }
  return null;
}

function plannedBatch(world: MaintenanceWorld, hostIds: string[], size: number, leftOut: { hostId: string; rejection: BatchRejection } | null): PlannedBatch {
  const moves: PlannedMove[] = [];
  const stops: PlannedMove[] = [];
  for (const hostId of hostIds) {
    for (const app of world.input.apps) {
      for (const i of app.instances) {
        if (i.hostId !== hostId) continue;
        (app.pinned ? stops : moves).push({ appId: app.appId, slot: i.slot, fromHostId: hostId });
      }
    }
  }
  const names = hostNames(world, hostIds);
  let why: string;
  if (leftOut && hostIds.length < size) {
    why = `${names} ${hostIds.length === 1 ? 'alone' : 'together'}: with ${hostNames(world, [leftOut.hostId])}, ${leftOut.rejection.reason}`;
  } else if (hostIds.length === size) {
    why = size === 1 ? 'one host at a time (batch size 1)' : `${size} hosts, the batch size`;
    if (leftOut) why += `; ${hostNames(world, [leftOut.hostId])} later: with it, ${leftOut.rejection.reason}`;
  } else {
    why = `the ${hostIds.length === 1 ? 'host' : `${hostIds.length} hosts`} left`;
  }
  return { hostIds, moves, stops, why };
}

/** What the plan cannot help: apps that will be (or already are) below what the user may expect. */
function warnings(world: MaintenanceWorld, targets: readonly string[]): string[] {
  const out: string[] = [];
  const targeted = new Set(targets);
  for (const app of world.input.apps) {
    const min = appMinimum(app);
    const now = servingDuring(app, EMPTY);
    if (now < min) {
      out.push(`${app.appId} serves ${now} of its minimum ${min} already: the operation cannot keep it at its minimum`);
    }
    const onTargets = app.instances.filter((i) => targeted.has(i.hostId));
    if (app.pinned && app.count <= 1 && onTargets.length > 0) {
      const host = hostNames(world, [onTargets[0]!.hostId]);
      out.push(`${app.appId} has one instance, pinned to ${host} by its volumes: it is unavailable while ${host} is maintained`);
      continue;
    }
    const hosts = new Set(app.instances.map((i) => i.hostId));
    if (app.instances.length >= 2 && hosts.size === 1 && onTargets.length > 0) {
      const host = hostNames(world, hosts);
      out.push(
        app.pinned
          ? `every instance of ${app.appId} is on ${host}, pinned by its volumes: the app is unavailable while ${host} is maintained`
          : `every instance of ${app.appId} is on ${host}: they all move when ${host} is maintained (spread them with more hosts in the group)`,
      );
    }
  }
  return out;
}
