import { RESOURCE_KEYS, RESOURCE_LABELS, type Resources } from '../domain/resources.js';
import type { ShortfallRow } from './placement-plan.js';

/**
 * Compares the whole request (count × per-instance) with the free capacity of the eligible hosts,
 * in the units a user reads (cpus, MiB). Resources the request does not use are left out.
 */
export function computeShortfall(perInstance: Resources, count: number, eligibleFree: Resources): ShortfallRow[] {
  const rows: ShortfallRow[] = [];
  for (const key of RESOURCE_KEYS) {
    if (perInstance[key] <= 0) continue;
    const scale = key === 'millicpus' ? 1000 : 1;
    const requested = perInstance[key] * count;
    const free = eligibleFree[key];
    rows.push({
      resource: RESOURCE_LABELS[key] as ShortfallRow['resource'],
      requested: requested / scale,
      free: free / scale,
      missing: Math.max(0, requested - free) / scale,
    });
  }
  return rows;
}
