import type { DeploySpec } from '../taskfile/task-spec.js';

export interface RolloutLimits {
  /** Live instances allowed above `count` while old and new coexist. */
  maxSurge: number;
  /** Running instances allowed below `count` while old ones are being stopped. */
  maxUnavailable: number;
}

/**
 * Blue-green is a rolling update whose surge is the whole count, until health-aware blue-green
 * exists. Zero surge and zero unavailability would never make progress, so one instance may then
 * be unavailable (Nomad rejects such a spec; the task-file validator should too).
 */
export function rolloutLimits(deploy: DeploySpec, count: number): RolloutLimits {
  const maxSurge = Math.max(0, deploy.strategy === 'blue-green' ? count : deploy.max_surge);
  let maxUnavailable = Math.max(0, deploy.max_unavailable);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}
