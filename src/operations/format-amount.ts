import { millicpusToCpus, type ResourceKey } from '../domain/resources.js';

/**
 * `1 cpu`, `0.5 cpus`, `512 MiB`: the units a user wrote in the task file. The same as the
 * scheduler's, repeated because operations may import only domain.
 */
export function formatAmount(key: ResourceKey, canonical: number): string {
  if (key === 'millicpus') {
    const cpus = millicpusToCpus(canonical);
    return `${cpus} ${cpus === 1 ? 'cpu' : 'cpus'}`;
  }
  return `${canonical} MiB`;
}
