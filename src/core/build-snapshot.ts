import type { Host } from '../domain/host.js';
import { type Instance, isTerminal } from '../domain/instance.js';
import { addResources, type Resources, ZERO_RESOURCES } from '../domain/resources.js';
import type { SchedulerHost, SchedulerSnapshot } from '../scheduler/scheduler-snapshot.js';
import type { Volume } from '../domain/volume.js';

/**
 * Disk that volumes hold on each host beyond what live instances count (an instance's size
 * includes its volumes): the volumes of slots with no instance on their host right now, whose
 * data stays there all the same.
 */
export function detachedVolumeMib(volumes: readonly Volume[], instances: readonly Instance[], exceptAppId?: string): Map<string, number> {
  const attached = new Set<string>();
  for (const i of instances) if (!isTerminal(i.state)) attached.add(`${i.appId}#${i.slot}#${i.hostId}`);
  const out = new Map<string, number>();
  for (const v of volumes) {
    if (v.appId === exceptAppId || attached.has(`${v.appId}#${v.slot}#${v.hostId}`)) continue;
    out.set(v.hostId, (out.get(v.hostId) ?? 0) + v.sizeMib);
  }
  return out;
}

/**
 * The scheduler's immutable view: every host with what its non-terminal instances hold.
 * `resourcesOf` gives the size of an instance (from its release); `exceptAppId` leaves one app's
 * instances out, to ask "would this app fit once its old instances are gone?".
 */
export function buildSnapshot(
  hosts: Host[],
  instances: Instance[],
  resourcesOf: (instance: Instance) => Resources,
  exceptAppId?: string,
  volumes: readonly Volume[] = [],
): SchedulerSnapshot {
  const byHost = new Map<string, { allocated: Resources; appCounts: Map<string, number> }>();
  const detached = detachedVolumeMib(volumes, instances, exceptAppId);
  for (const host of hosts) byHost.set(host.id, { allocated: { ...ZERO_RESOURCES, diskMib: detached.get(host.id) ?? 0 }, appCounts: new Map() });
  for (const instance of instances) {
    if (isTerminal(instance.state) || instance.appId === exceptAppId) continue;
    const entry = byHost.get(instance.hostId);
    if (!entry) continue;
    entry.allocated = addResources(entry.allocated, resourcesOf(instance));
    if (instance.desired === 'run') entry.appCounts.set(instance.appId, (entry.appCounts.get(instance.appId) ?? 0) + 1);
  }
  return {
    hosts: hosts.map((host): SchedulerHost => {
      const entry = byHost.get(host.id)!;
      return {
        id: host.id,
        name: host.name,
        group: host.group,
        cordoned: host.cordoned,
        status: host.status,
        runtimes: host.runtimes,
        capacity: host.capacity,
        allocated: entry.allocated,
        appCounts: entry.appCounts,
      };
    }),
  };
}

/** Allocated resources per host id, for the host and group views. */
export function allocationsByHost(
  instances: Instance[],
  resourcesOf: (instance: Instance) => Resources,
  volumes: readonly Volume[] = [],
): Map<string, { allocated: Resources; count: number }> {
  const out = new Map<string, { allocated: Resources; count: number }>();
  for (const [hostId, diskMib] of detachedVolumeMib(volumes, instances)) out.set(hostId, { allocated: { ...ZERO_RESOURCES, diskMib }, count: 0 });
  for (const instance of instances) {
    if (isTerminal(instance.state)) continue;
    const entry = out.get(instance.hostId) ?? { allocated: ZERO_RESOURCES, count: 0 };
    entry.allocated = addResources(entry.allocated, resourcesOf(instance));
    entry.count++;
    out.set(instance.hostId, entry);
  }
  return out;
}
