import { type Instance, isServing } from '../domain/instance.js';
import type { ReconcileApp } from './reconcile-input.js';
import type { PlaceInstance, StopInstance } from './reconcile-plan.js';
import { rolloutLimits } from './rollout-limits.js';

/** An instance that just left its slot for good, and why (`failed`, `lost`, `stopped`). */
export interface VacatedSlot {
  instanceId: string;
  what: string;
}

export interface AppDiff {
  stop: StopInstance[];
  place: PlaceInstance[];
}

/**
 * The diff for one app.
 *
 * `live`: desired=run, not terminal, not lost in this plan. `vacated`: instances that just left a
 * slot (failed, lost...), per slot, so a placement can say which one it replaces.
 *
 * new = live of the target release, old = live of any other release. "Serving" is running and
 * passing its health check (`isServing`). With no old instances this fills slots 0..count-1 and
 * stops the rest. With old instances it is a rolling update:
 *   - old instances not serving are stopped at once (they serve nobody);
 *   - serving old ones are stopped while serving instances stay ≥ count − max_unavailable
 *     (all of them once count new ones serve), unless `holdOld` (blue-green before its switch
 *     grace is over) keeps them;
 *   - new ones are placed while live stays < count + max_surge, free slots first.
 *
 * An `inPlace` app (volumes) replaces each instance on its own data: no surge, and a slot in
 * `occupied` (some instance of it has not stopped yet, whatever its desired state) gets its new
 * instance in a later pass, once the old one is down.
 */
export function reconcileApp(
  app: ReconcileApp,
  live: readonly Instance[],
  vacated: ReadonlyMap<number, VacatedSlot>,
  occupied: ReadonlySet<number> = new Set(),
): AppDiff {
  const stop: StopInstance[] = [];
  const place: PlaceInstance[] = [];
  const release = app.release;
  const count = Math.max(0, app.count);
  if (release === null || count === 0) {
    const reason = release === null ? 'app has no release' : 'app is scaled to 0, stopped or being destroyed';
    for (const i of byStopOrder(live)) stop.push({ instanceId: i.id, reason });
    return { stop, place };
  }
  const limits = rolloutLimits(app.deploy, count);
  const inPlace = app.inPlace === true;
  const maxSurge = inPlace ? 0 : limits.maxSurge;
  const maxUnavailable = inPlace ? Math.max(1, limits.maxUnavailable) : limits.maxUnavailable;
  // Blue-green needs a second copy of the data; a stateful app rolls in place instead.
  const blueGreenStrategy = app.deploy.strategy === 'blue-green' && !inPlace;

  // New instances: one per slot below count; the rest are extras.
  const newBySlot = new Map<number, Instance>();
  const extras: { instance: Instance; reason: string }[] = [];
  for (const i of [...live.filter((x) => x.release === release)].sort(keeperFirst)) {
    const holder = newBySlot.get(i.slot);
    if (i.slot >= count) extras.push({ instance: i, reason: `scale down to ${count}` });
    else if (holder) extras.push({ instance: i, reason: `duplicate of ${holder.id} in slot ${i.slot}` });
    else newBySlot.set(i.slot, i);
  }
  extras.sort((a, b) => stopOrder(a.instance, b.instance));
  for (const { instance, reason } of extras) stop.push({ instanceId: instance.id, reason });

  // Old instances: non-running ones go first and cost no availability.
  const old = live.filter((x) => x.release !== release);
  const oldStopped = new Map<number, Instance>();
  const oldKept: Instance[] = [];
  const update = `rolling update to release ${release}`;
  for (const i of old) {
    if (isServing(i)) continue;
    const what = i.state === 'running' ? `${i.health} (health check)` : i.state;
    stop.push({ instanceId: i.id, reason: `${update}: old instance is ${what}` });
    oldStopped.set(i.slot, i);
  }
  const newRunning = (slot: number) => {
    const i = newBySlot.get(slot);
    return i !== undefined && isServing(i);
  };
  const availableNew = [...newBySlot.values()].filter(isServing).length;
  const runningOld = old
    .filter(isServing)
    .sort((a, b) => stopPriority(a) - stopPriority(b) || a.slot - b.slot || cmp(a.id, b.id));
  function stopPriority(i: Instance): number {
    if (i.slot >= count) return 0;
    if (newRunning(i.slot)) return 1;
    return newBySlot.has(i.slot) ? 2 : 3;
  }
  let available = availableNew + runningOld.length;
  for (const i of runningOld) {
    // Blue-green never trades an old instance for a new one: the old set goes whole, after the switch.
    const trade = !blueGreenStrategy && available - 1 >= count - maxUnavailable;
    // The old set blue-green keeps serving is `count` strong; old instances beyond it go now.
    const surplus = blueGreenStrategy && oldKept.length >= count;
    if ((!app.holdOld && (availableNew >= count || trade)) || surplus) {
      const reason = surplus ? `${update}: scale down to ${count}` : availableNew >= count ? `${update} complete` : update;
      stop.push({ instanceId: i.id, reason });
      oldStopped.set(i.slot, i);
      available--;
    } else {
      oldKept.push(i);
    }
  }

  // Placements: missing slots, free ones first, within the surge budget.
  const oldKeptSlots = new Set(oldKept.map((i) => i.slot));
  const missing: number[] = [];
  for (let slot = 0; slot < count; slot++) if (!newBySlot.has(slot)) missing.push(slot);
  missing.sort((a, b) => Number(oldKeptSlots.has(a)) - Number(oldKeptSlots.has(b)) || a - b);
  // Blue-green places the whole new set beside whatever old instances there are (even more than
  // count of them), since none of those goes before the new set serves.
  let liveAfter = blueGreenStrategy ? newBySlot.size : newBySlot.size + oldKept.length;
  for (const slot of missing) {
    if (liveAfter >= (blueGreenStrategy ? count : count + maxSurge)) break;
    if (inPlace && occupied.has(slot)) continue;
    const gone = vacated.get(slot);
    const old = oldStopped.get(slot) ?? oldKept.find((i) => i.slot === slot);
    const replaces = gone?.instanceId ?? old?.id ?? null;
    const reason = gone ? `replace ${gone.what} instance ${gone.instanceId}` : old ? update : `fill slot ${slot}`;
    place.push({ appId: app.appId, release, slot, replaces, reason });
    liveAfter++;
  }
  return { stop, place };
}

/** Among instances of one slot, keep the serving one, then the oldest, so a duplicate never evicts a healthy copy. */
function keeperFirst(a: Instance, b: Instance): number {
  return Number(isServing(b)) - Number(isServing(a)) || a.createdAt - b.createdAt || cmp(a.id, b.id);
}

/** Non-serving before serving (cheapest to lose), then highest slot first. */
function stopOrder(a: Instance, b: Instance): number {
  return Number(isServing(a)) - Number(isServing(b)) || b.slot - a.slot || cmp(a.id, b.id);
}

function byStopOrder(instances: readonly Instance[]): Instance[] {
  return [...instances].sort(stopOrder);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
