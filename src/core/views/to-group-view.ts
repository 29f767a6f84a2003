import type { GroupView } from '../../api/group-view.js';
import type { Host } from '../../domain/host.js';
import { addResources, type Resources, ZERO_RESOURCES } from '../../domain/resources.js';
import { usageOf } from './usage-of.js';

/**
 * Capacity of a group counts only hosts that can take work (ready and not cordoned); allocations
 * count every instance in the group, so draining a host shows up as a higher ratio.
 */
export function toGroupView(name: string, hosts: Host[], allocatedByHost: ReadonlyMap<string, Resources>): GroupView {
  let total = ZERO_RESOURCES;
  let allocated = ZERO_RESOURCES;
  let ready = 0;
  let cordoned = 0;
  for (const host of hosts) {
    if (host.cordoned) cordoned++;
    if (host.status === 'ready') ready++;
    if (host.status === 'ready' && !host.cordoned) total = addResources(total, host.capacity);
    allocated = addResources(allocated, allocatedByHost.get(host.id) ?? ZERO_RESOURCES);
  }
  return { name, hosts: hosts.length, ready_hosts: ready, cordoned_hosts: cordoned, ...usageOf(allocated, total) };
}
