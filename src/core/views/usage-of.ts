import { millicpusToCpus, type Resources } from '../../domain/resources.js';

/** API usage triples from allocated and total resources. */
export function usageOf(allocated: Resources, total: Resources) {
  return {
    cpus: { allocated: millicpusToCpus(allocated.millicpus), total: millicpusToCpus(total.millicpus) },
    memory_mib: { allocated: allocated.memoryMib, total: total.memoryMib },
    disk_mib: { allocated: allocated.diskMib, total: total.diskMib },
    overcommit: overcommitRatio(allocated, total),
  };
}

/** Highest allocated/total ratio of the three resources, rounded to 2 decimals. */
export function overcommitRatio(allocated: Resources, total: Resources): number {
  const ratio = (a: number, t: number) => (t > 0 ? a / t : a > 0 ? Number.POSITIVE_INFINITY : 0);
  const worst = Math.max(
    ratio(allocated.millicpus, total.millicpus),
    ratio(allocated.memoryMib, total.memoryMib),
    ratio(allocated.diskMib, total.diskMib),
  );
  return Number.isFinite(worst) ? Math.round(worst * 100) / 100 : 999;
}
