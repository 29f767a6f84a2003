import type { PlacementRequest } from '../scheduler/placement-request.js';
import { schedule } from '../scheduler/schedule.js';
import type { SchedulerSnapshot } from '../scheduler/scheduler-snapshot.js';
import { applyPlacements } from './apply-placements.js';

/**
 * The snapshot once the instances other apps are owed (`owed`, one request per app, in the order
 * the control pass places apps: by app id) hold their room, placed by the same scheduler the
 * control pass uses. Each is placed forced: an owed instance that no longer fits (its host went
 * down, say) still holds room somewhere in its group, so a newcomer cannot take what an accepted
 * app was promised. Pure.
 */
export function reserveOwed(snapshot: SchedulerSnapshot, owed: readonly PlacementRequest[], seed: number): SchedulerSnapshot {
  let out = snapshot;
  for (const request of owed) {
    if (request.count <= 0) continue;
    const plan = schedule(out, request, { seed, force: true });
    out = applyPlacements(
      out,
      request.appId,
      request.resources,
      plan.placements.map((p) => p.hostId),
    );
  }
  return out;
}
