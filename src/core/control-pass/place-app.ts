import type { PlacementRequest } from '../../scheduler/placement-request.js';
import { schedule } from '../../scheduler/schedule.js';
import type { SchedulerSnapshot } from '../../scheduler/scheduler-snapshot.js';
import { applyPlacements } from '../apply-placements.js';

/**
 * Places `count` instances, or as many as fit when not all do (a partly served app beats none):
 * the largest n that fits, by binary search. Pure: returns the snapshot after the placements.
 */
export function placeApp(snapshot: SchedulerSnapshot, request: PlacementRequest, options: { seed: number; force: boolean }) {
  const { appId, group, resources, count } = request;
  const ask = (n: number) => schedule(snapshot, { ...request, count: n }, options);
  let plan = ask(count);
  let blocked: string | null = null;
  if (plan.placements.length < count) {
    blocked = `cannot place ${count} instance(s) of ${appId} in group "${group}": ${plan.summary}`;
    let lo = 0;
    let hi = count - 1;
    let best = plan;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const attempt = ask(mid);
      if (attempt.placements.length === mid) {
        lo = mid;
        best = attempt;
      } else hi = mid - 1;
    }
    plan = lo > 0 ? best : { ...plan, placements: [] };
  }
  const hostIds = plan.placements.map((p) => p.hostId);
  return { snapshot: applyPlacements(snapshot, appId, resources, hostIds), hostIds, warnings: plan.warnings, blocked };
}
