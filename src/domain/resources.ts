/**
 * Resources in canonical integer units. CPUs are counted in millicpus so that capacity sums never
 * drift through floating point (0.1 + 0.2 cpus must compare equal to 0.3 cpus).
 */
export interface Resources {
  millicpus: number;
  memoryMib: number;
  diskMib: number;
}

export const RESOURCE_KEYS = ['millicpus', 'memoryMib', 'diskMib'] as const;
export type ResourceKey = (typeof RESOURCE_KEYS)[number];

/** Human names used in tables, JSON output and rejection reasons. */
export const RESOURCE_LABELS: Record<ResourceKey, string> = {
  millicpus: 'cpu',
  memoryMib: 'memory',
  diskMib: 'disk',
};

export const ZERO_RESOURCES: Resources = Object.freeze({ millicpus: 0, memoryMib: 0, diskMib: 0 });

export function addResources(a: Resources, b: Resources, times = 1): Resources {
  return {
    millicpus: a.millicpus + b.millicpus * times,
    memoryMib: a.memoryMib + b.memoryMib * times,
    diskMib: a.diskMib + b.diskMib * times,
  };
}

export function subtractResources(a: Resources, b: Resources): Resources {
  return addResources(a, b, -1);
}

/** cpus (possibly fractional, e.g. 0.5) to millicpus. */
export function cpusToMillicpus(cpus: number): number {
  return Math.round(cpus * 1000);
}

export function millicpusToCpus(millicpus: number): number {
  return millicpus / 1000;
}
