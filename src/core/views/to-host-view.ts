import type { HostView } from '../../api/host-view.js';
import type { Host } from '../../domain/host.js';
import type { Resources } from '../../domain/resources.js';
import { usageOf } from './usage-of.js';

export function toHostView(host: Host, allocated: Resources, instances: number): HostView {
  return {
    id: host.id,
    name: host.name,
    group: host.group,
    address: host.address,
    subnet: host.subnet,
    status: host.status,
    cordoned: host.cordoned,
    ...(host.draining ? { draining: true } : {}),
    runtimes: host.runtimes.map((r) => ({ ...r })),
    labels: host.labels,
    roles: host.roles,
    ...usageOf(allocated, host.capacity),
    instances,
    last_heartbeat_at: new Date(host.lastHeartbeatAt).toISOString(),
  };
}
