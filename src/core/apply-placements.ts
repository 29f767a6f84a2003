import { addResources, type Resources } from '../domain/resources.js';
import type { SchedulerSnapshot } from '../scheduler/scheduler-snapshot.js';

/**
 * The snapshot after some placements: the scheduler is pure and never mutates its input, so the
 * plan applier threads a new snapshot from one app's placements to the next app's.
 */
export function applyPlacements(
  snapshot: SchedulerSnapshot,
  appId: string,
  resources: Resources,
  hostIds: readonly string[],
): SchedulerSnapshot {
  const added = new Map<string, number>();
  for (const id of hostIds) added.set(id, (added.get(id) ?? 0) + 1);
  return {
    hosts: snapshot.hosts.map((host) => {
      const n = added.get(host.id);
      if (!n) return host;
      const appCounts = new Map(host.appCounts);
      appCounts.set(appId, (appCounts.get(appId) ?? 0) + n);
      return { ...host, allocated: addResources(host.allocated, resources, n), appCounts };
    }),
  };
}
