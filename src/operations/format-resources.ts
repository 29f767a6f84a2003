import { RESOURCE_KEYS, RESOURCE_LABELS, type ResourceKey, type Resources } from '../domain/resources.js';
import { formatAmount } from './format-amount.js';

/** `0.5 cpus, 512 MiB memory, 0 MiB disk`, or only the `keys` given (`512 MiB memory`). */
export function formatResources(r: Resources, keys: readonly ResourceKey[] = RESOURCE_KEYS): string {
  return keys.map((k) => (k === 'millicpus' ? formatAmount(k, r[k]) : `${formatAmount(k, r[k])} ${RESOURCE_LABELS[k]}`)).join(', ');
}
