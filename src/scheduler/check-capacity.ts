import { RESOURCE_LABELS, type ResourceKey } from '../domain/resources.js';
import { formatAmount } from './format-amount.js';
import type { HostCheck } from './host-check.js';

/** One check per resource, so the rejection says which resource ran out and by how much. */
export function checkCapacity(key: ResourceKey): HostCheck {
  const check = `out of ${RESOURCE_LABELS[key]}`;
  return (host, request) => {
    const needs = request.resources[key];
    const free = Math.max(0, host.capacity[key] - host.allocated[key]);
    if (needs <= free) return null;
    return { check, reason: `${check}: needs ${formatAmount(key, needs)}, ${formatAmount(key, free)} free` };
  };
}
