import type { OperationView } from '../api/operation-view.js';
import { formatTime } from './format-age.js';

type LogEntry = OperationView['log'][number];

/**
 * One log entry as `bubo op show` lists it and `-f` prints it as it appears:
 * `2024-05-01T10:00:00Z  batch 1/2  drain  moved shop-1 to h3`. An entry outside any batch
 * (the operation's start or end) shows `-` for its batch.
 */
export function formatOperationLogLine(entry: LogEntry, batches: number): string {
  const batch = entry.batch >= 1 && entry.batch <= batches ? `batch ${entry.batch}/${batches}` : '-';
  return `${formatTime(entry.at)}  ${batch}  ${entry.step || '-'}  ${entry.message}`;
}
