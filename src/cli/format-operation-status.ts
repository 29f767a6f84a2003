import type { OperationView } from '../api/operation-view.js';

/**
 * The status with what a human must know at a glance: `paused,failed` (waiting for retry, skip
 * or abort), `running,pausing` (a pause was asked for and happens at the next step boundary).
 */
export function formatOperationStatus(op: OperationView): string {
  if (op.status === 'paused' && op.failure !== null) return 'paused,failed';
  if (op.status === 'running' && op.pause_requested) return 'running,pausing';
  return op.status;
}
