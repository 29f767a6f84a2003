import type { DeploySpec } from '../domain/task-spec.js';

export interface RolloutLimits {
  /** Live instances allowed above `count` while old and new coexist. */
  maxSurge: number;
  /** Running instances allowed below `count` while old ones are being stopped. */
  maxUnavailable: number;
}

/**
 * Blue-green starts the whole new set at once (surge = count) and takes nothing away before it
 * serves (unavailable = 0); when the old set goes is decided by `holdOld`. Zero surge and zero
 * unavailability would never make progress, so one instance may then be unavailable (the
 * task-file validator rejects such a spec; stored specs are handled anyway).
 */
export function rolloutLimits(deploy: DeploySpec, count: number): RolloutLimits {
  if (deploy.strategy === 'blue-green') return { maxSurge: Math.max(1, count), maxUnavailable: 0 };
  const maxSurge = Math.max(0, deploy.max_surge);
  let maxUnavailable = Math.max(0, deploy.max_unavailable);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}
