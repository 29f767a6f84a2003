import { RESOURCE_KEYS, RESOURCE_LABELS } from '../domain/resources.js';
import type { SchedulerHost } from './scheduler-snapshot.js';
import { usageRatio } from './host-usage.js';

/** Enough to act on; a cluster-wide overflow would otherwise print one line per host. */
const MAX_WARNINGS = 20;

/**
 * One line per host and resource pushed beyond capacity by a forced placement, e.g.
 * `group "web" over-provisioned: memory 130% of capacity on host h1`.
 */
export function overProvisionWarnings(group: string, hosts: readonly Pick<SchedulerHost, 'name' | 'capacity' | 'allocated'>[]): string[] {
  const lines: string[] = [];
  for (const host of hosts) {
    for (const key of RESOURCE_KEYS) {
      const ratio = usageRatio(host.allocated[key], host.capacity[key]);
      if (ratio <= 1) continue;
      const amount = Number.isFinite(ratio) ? `${Math.round(ratio * 100)}% of capacity` : 'used with no capacity';
      lines.push(`group "${group}" over-provisioned: ${RESOURCE_LABELS[key]} ${amount} on host ${host.name}`);
    }
  }
  if (lines.length <= MAX_WARNINGS) return lines;
  return [...lines.slice(0, MAX_WARNINGS), `group "${group}" over-provisioned: ${lines.length - MAX_WARNINGS} more host resources over capacity`];
}
