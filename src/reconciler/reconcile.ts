import { type Instance, isTerminal } from '../domain/instance.js';
import { findLostInstances } from './find-lost-instances.js';
import { reconcileApp, type VacatedSlot } from './reconcile-app.js';
import type { ReconcileInput } from './reconcile-input.js';
import type { ReconcilePlan, StopInstance } from './reconcile-plan.js';

/**
 * The pure diff between what should run and what runs: data in, plan out, `now` passed in.
 *
 * Per instance, in this order:
 *   - on a down host (or one going down now) and not terminal → lost;
 *   - failed less than `failedReplaceDelayMs` ago → held in its slot, like a starting instance;
 *   - terminal but still desired=run (failed, or lost/stopped earlier) → stop, its slot is vacated:
 *     the agent already gave up on restarting it, so the slot gets a fresh instance;
 *   - desired=run and not terminal → live, handed to the app's diff; live instances of apps
 *     that no longer exist are stopped.
 */
export function reconcile(input: ReconcileInput): ReconcilePlan {
  const { goingDown, lost } = findLostInstances(input.now, input.hostTtlMs, input.hosts, input.instances);
  const lostReason = new Map(lost.map((l) => [l.instanceId, l.reason]));
  const stop: StopInstance[] = [];
  const liveByApp = new Map<string, Instance[]>();
  const vacatedByApp = new Map<string, Map<number, VacatedSlot>>();
  const vacate = (i: Instance, what: string) => {
    const slots = vacatedByApp.get(i.appId) ?? new Map<number, VacatedSlot>();
    vacatedByApp.set(i.appId, slots);
    if (!slots.has(i.slot)) slots.set(i.slot, { instanceId: i.id, what });
  };

  for (const i of input.instances) {
    if (lostReason.has(i.id)) {
      if (i.desired === 'run') vacate(i, 'lost');
    } else if (i.desired === 'run' && i.state === 'failed' && input.now - i.updatedAt < (input.failedReplaceDelayMs ?? 0)) {
      // Held: still occupies its slot (counted like an instance that is not running yet).
      const live = liveByApp.get(i.appId);
      if (live) live.push(i);
      else liveByApp.set(i.appId, [i]);
    } else if (i.desired === 'run' && isTerminal(i.state)) {
      stop.push({ instanceId: i.id, reason: `${i.state}${i.message ? `: ${i.message}` : ''}` });
      vacate(i, i.state);
    } else if (i.desired === 'run') {
      const live = liveByApp.get(i.appId);
      if (live) live.push(i);
      else liveByApp.set(i.appId, [i]);
    }
  }

  const place: ReconcilePlan['place'] = [];
  const known = new Set<string>();
  for (const app of input.apps) {
    known.add(app.appId);
    const diff = reconcileApp(app, liveByApp.get(app.appId) ?? [], vacatedByApp.get(app.appId) ?? new Map());
    stop.push(...diff.stop);
    place.push(...diff.place);
  }
  for (const [appId, live] of liveByApp) {
    if (known.has(appId)) continue;
    for (const i of live) stop.push({ instanceId: i.id, reason: `app ${appId} no longer exists` });
  }
  return { hostsDown: goingDown, lost, stop, place };
}
