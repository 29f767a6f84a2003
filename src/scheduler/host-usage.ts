import { RESOURCE_KEYS, type ResourceKey, type Resources } from '../domain/resources.js';
import type { SchedulerHost } from './scheduler-snapshot.js';

export interface HostUsage {
  /** capacity − allocated, never below zero. */
  free: Resources;
  /** allocated / capacity per resource (1 = full, above 1 = over-provisioned; Infinity when capacity is 0). */
  ratio: Record<ResourceKey, number>;
}

export function hostUsage(host: Pick<SchedulerHost, 'capacity' | 'allocated'>): HostUsage {
  const free = { millicpus: 0, memoryMib: 0, diskMib: 0 };
  const ratio = { millicpus: 0, memoryMib: 0, diskMib: 0 };
  for (const key of RESOURCE_KEYS) {
    free[key] = Math.max(0, host.capacity[key] - host.allocated[key]);
    ratio[key] = usageRatio(host.allocated[key], host.capacity[key]);
  }
  return { free, ratio };
}

/** 0 when nothing is used, even on a zero capacity; Infinity for any use of a zero capacity. */
export function usageRatio(used: number, capacity: number): number {
  if (used <= 0) return 0;
  return capacity > 0 ? used / capacity : Number.POSITIVE_INFINITY;
}
