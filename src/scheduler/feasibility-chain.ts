import { checkCapacity } from './check-capacity.js';
import { checkCordoned } from './check-cordoned.js';
import { checkGroup } from './check-group.js';
import { checkPinned } from './check-pinned.js';
import { checkRuntime } from './check-runtime.js';
import { checkStatus } from './check-status.js';
import type { HostCheck, HostRejection } from './host-check.js';
import type { PlacementRequest } from './placement-request.js';
import type { SchedulerHost } from './scheduler-snapshot.js';

/** Hosts passing these may take the app at all; `--force` places on them regardless of capacity. */
export const ELIGIBILITY_CHECKS: readonly HostCheck[] = [checkGroup, checkPinned, checkStatus, checkCordoned, checkRuntime];

/** Order matters: a host is reported with the first reason, the most fundamental one. */
export const FEASIBILITY_CHECKS: readonly HostCheck[] = [
  ...ELIGIBILITY_CHECKS,
  checkCapacity('millicpus'),
  checkCapacity('memoryMib'),
  checkCapacity('diskMib'),
];

export function firstRejection(
  checks: readonly HostCheck[],
  host: SchedulerHost,
  request: PlacementRequest,
): HostRejection | null {
  for (const check of checks) {
    const rejection = check(host, request);
    if (rejection !== null) return rejection;
  }
  return null;
}
