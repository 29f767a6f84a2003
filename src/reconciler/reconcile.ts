import { type Instance, isServing, isTerminal } from '../domain/instance.js';
import { DEFAULT_REPLACE_AFTER_MS } from '../domain/replace-after-ms.js';
import { findSilentHosts } from './find-silent-hosts.js';
import { reconcileApp, type VacatedSlot } from './reconcile-app.js';
import type { ReconcileInput } from './reconcile-input.js';
import type { ReconcilePlan, StopInstance } from './reconcile-plan.js';

/**
 * The pure diff between what should run and what runs: data in, plan out, `now` passed in.
 *
 * Per instance, in this order:
 *   - on an unregistered host, or told to stop while its host is silent → lost;
 *   - desired to run on a silent host (down, or going down now), or already `unknown` → unknown:
 *     held in its slot (like a starting instance) until its app's `replaceAfterMs` has passed
 *     since it became unknown; after that its slot is vacated (a replacement is placed beside it)
 *     and, once an instance of the same app serves in that slot, it is stopped;
 *   - failed less than `failedReplaceDelayMs` ago → held in its slot, like a starting instance;
 *   - terminal but still desired=run (failed, or lost/stopped earlier) → stop, its slot is vacated:
 *     the agent already gave up on restarting it, so the slot gets a fresh instance;
 *   - desired=run on a draining host, app without volumes → moved first: its slot is vacated (a
 *     replacement is placed on another host) while it keeps serving, and it is stopped once that
 *     replacement serves; one instance per app at a time, and only while every other instance of
 *     the app serves; until then held;
 *   - desired=run on a draining host, app with volumes (`inPlace`: it cannot move) → stopped and
 *     its slot vacated (the replacement waits for the host to be uncordoned), one instance per app
 *     at a time, and only while every other instance of the app serves; until then held;
 *   - desired=run and not terminal → live, handed to the app's diff; live instances of apps
 *     that no longer exist are stopped.
 */
export function reconcile(input: ReconcileInput): ReconcilePlan {
  const { goingDown, lost, unknown } = findSilentHosts(input.now, input.hostTtlMs, input.hosts, input.instances, input.heartbeatsSince);
  const lostReason = new Map(lost.map((l) => [l.instanceId, l.reason]));
  const unknownNow = new Set(unknown.map((u) => u.instanceId));
  const draining = new Map(input.hosts.filter((h) => h.draining).map((h) => [h.id, h.name ?? h.id]));
  // Apps with an instance on its way up elsewhere: they drain nothing more until it serves.
  const settling = new Set(
    input.instances.filter((i) => i.desired === 'run' && !draining.has(i.hostId) && !isTerminal(i.state) && !isServing(i)).map((i) => i.appId),
  );
  // A stateful slot waits for its host: a replacement elsewhere would start without the data.
  const replaceAfter = new Map(input.apps.map((a) => [a.appId, a.inPlace ? Number.POSITIVE_INFINITY : (a.replaceAfterMs ?? DEFAULT_REPLACE_AFTER_MS)]));
  // Slots some instance still holds (running, starting, stopping...), per app: an in-place app places no new instance there yet.
  const occupiedByApp = new Map<string, Set<number>>();
  for (const i of input.instances) {
    if (isTerminal(i.state) || lostReason.has(i.id)) continue;
    const slots = occupiedByApp.get(i.appId) ?? new Set<number>();
    occupiedByApp.set(i.appId, slots);
    slots.add(i.slot);
  }
  // Only a slot its app still wants moves; the rest of a draining host just stops (inPlace apps included).
  const wanted = new Map(input.apps.filter((a) => !a.inPlace && a.release !== null).map((a) => [a.appId, a.count]));
  const movable = (i: Instance) => i.slot < (wanted.get(i.appId) ?? 0);
  /** Another live instance of i's app in i's slot, off the draining hosts: where a drained instance moved to. */
  const successorOf = (i: Instance) =>
    input.instances.find(
      (s) => s.appId === i.appId && s.slot === i.slot && s.id !== i.id && s.desired === 'run' && !isTerminal(s.state) && !draining.has(s.hostId) && !lostReason.has(s.id),
    );
  const stop: StopInstance[] = [];
  const moving: string[] = [];
  const liveByApp = new Map<string, Instance[]>();
  const vacatedByApp = new Map<string, Map<number, VacatedSlot>>();
  const waiting: Instance[] = [];
  const vacate = (i: Instance, what: string) => {
    const slots = vacatedByApp.get(i.appId) ?? new Map<number, VacatedSlot>();
    vacatedByApp.set(i.appId, slots);
    if (!slots.has(i.slot)) slots.set(i.slot, { instanceId: i.id, what });
  };
  const hold = (i: Instance) => {
    const live = liveByApp.get(i.appId);
    if (live) live.push(i);
    else liveByApp.set(i.appId, [i]);
  };

  for (const i of input.instances) {
    if (lostReason.has(i.id)) {
      if (i.desired === 'run') vacate(i, 'lost');
    } else if (i.desired === 'run' && (i.state === 'unknown' || unknownNow.has(i.id))) {
      const since = unknownNow.has(i.id) ? input.now : i.updatedAt;
      // Held as what it now is: an instance of a host going silent in this pass serves no more, so a
      // rollout must not count it (and stop the old instance that still serves).
      if (input.now - since < (replaceAfter.get(i.appId) ?? DEFAULT_REPLACE_AFTER_MS)) hold(i.state === 'unknown' ? i : { ...i, state: 'unknown' });
      else {
        waiting.push(i);
        vacate(i, 'unknown');
      }
    } else if (i.desired === 'run' && i.state === 'failed' && input.now - i.updatedAt < (input.failedReplaceDelayMs ?? 0)) {
      // Held: still occupies its slot (counted like an instance that is not running yet).
      hold(i);
    } else if (i.desired === 'run' && isTerminal(i.state)) {
      stop.push({ instanceId: i.id, reason: `${i.state}${i.message ? `: ${i.message}` : ''}` });
      vacate(i, i.state);
    } else if (i.desired === 'run' && ((draining.has(i.hostId) && movable(i)) || (i.moving === true && successorOf(i) !== undefined))) {
      // Moved first: a replacement in the same slot on another host serves before this one stops.
      // A move under way completes even if the drain ended (the host uncordoned) meanwhile.
      const successor = successorOf(i);
      const why = draining.has(i.hostId) ? `host ${draining.get(i.hostId)} is draining: ` : '';
      if (successor && isServing(successor)) stop.push({ instanceId: i.id, reason: `${why}moved to ${successor.id}, which serves` });
      else if (successor) {
        // Its replacement is on its way up: this one serves meanwhile and holds nothing (the slot is the replacement's).
      } else if (!settling.has(i.appId)) {
        settling.add(i.appId);
        moving.push(i.id);
        vacate(i, 'draining');
      } else hold(i);
    } else if (i.desired === 'run' && draining.has(i.hostId) && !settling.has(i.appId)) {
      // Pinned to its host by a volume: it cannot move, so it stops (while every other instance of
      // the app serves) and its slot waits for the host to be uncordoned.
      settling.add(i.appId);
      stop.push({ instanceId: i.id, reason: `host ${draining.get(i.hostId)} is draining` });
      vacate(i, 'draining');
    } else if (i.desired === 'run') {
      hold(i);
    }
  }

  const place: ReconcilePlan['place'] = [];
  const known = new Set<string>();
  for (const app of input.apps) {
    known.add(app.appId);
    const diff = reconcileApp(app, liveByApp.get(app.appId) ?? [], vacatedByApp.get(app.appId) ?? new Map(), occupiedByApp.get(app.appId));
    stop.push(...diff.stop);
    place.push(...diff.place);
  }
  for (const [appId, live] of liveByApp) {
    if (known.has(appId)) continue;
    for (const i of live) stop.push({ instanceId: i.id, reason: `app ${appId} no longer exists` });
  }
  // An unknown instance past its wait goes once something else serves its slot (never two serving
  // copies), or when its app no longer wants it; until then it may still come back.
  const apps = new Map(input.apps.map((a) => [a.appId, a]));
  const stopping = new Set(stop.map((s) => s.instanceId));
  for (const u of waiting) {
    const app = apps.get(u.appId);
    const successor = input.instances.find(
      (i) => i.appId === u.appId && i.slot === u.slot && i.id !== u.id && isServing(i) && !stopping.has(i.id) && !lostReason.has(i.id) && !unknownNow.has(i.id),
    );
    let reason: string | null = null;
    if (!app) reason = `app ${u.appId} no longer exists`;
    else if (app.release === null || app.count <= 0) reason = 'app is scaled to 0, stopped or being destroyed';
    else if (u.slot >= app.count) reason = `scale down to ${app.count}`;
    else if (successor) reason = `replaced by ${successor.id}, which serves`;
    else if (u.release !== app.release) reason = `rolling update to release ${app.release}: old instance is unknown`;
    if (reason !== null) stop.push({ instanceId: u.id, reason });
  }
  return { hostsDown: goingDown, lost, unknown, stop, moving, place };
}
