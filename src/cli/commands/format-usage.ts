import type { Usage } from '../../api/usage.js';
import { formatNumber } from '../format-size.js';

/** `1.5/8` */
export function formatCpus(cpus: Usage): string {
  return `${formatNumber(cpus.allocated)}/${formatNumber(cpus.total)}`;
}

/** `0.50x`, or `1.25x !` when the host or group is over-provisioned. */
export function formatOvercommit(ratio: number): string {
  return `${ratio.toFixed(2)}x${ratio > 1 ? ' !' : ''}`;
}
