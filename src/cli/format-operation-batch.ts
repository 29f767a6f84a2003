import type { OperationView } from '../api/operation-view.js';

/** `2/3`: the batch being worked on; a finished operation (batch = batches + 1) shows `3/3`. */
export function formatOperationBatch(op: OperationView): string {
  const n = op.batches.length;
  return `${Math.min(Math.max(op.batch, n === 0 ? 0 : 1), n)}/${n}`;
}
