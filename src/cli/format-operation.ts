import type { OperationView } from '../api/operation-view.js';
import { formatAge, formatTime } from './format-age.js';
import { formatOperationBatch } from './format-operation-batch.js';
import { formatOperationFailure } from './format-operation-failure.js';
import { formatOperationLogLine } from './format-operation-log-line.js';
import { formatOperationStatus } from './format-operation-status.js';
import { formatTable } from './format-table.js';

/**
 * `bubo op show ID`: the header, each batch's hosts with their state, the pending failure with
 * the commands that resolve it, then the log. Escaping of what hosts wrote is `run-cli.ts`'s job.
 */
export function formatOperation(op: OperationView, now: number): string {
  const lines = [
    `operation ${op.id}: ${formatOperationStatus(op)}`,
    `group:    ${op.group}`,
    `does:     ${[op.run === null ? null : `run "${op.run}"`, op.reboot ? 'reboot' : null].filter((d) => d !== null).join(', then ') || 'drain and uncordon only'}${op.pause_after_each_batch ? ' (pauses after each batch)' : ''}`,
    `batch:    ${formatOperationBatch(op)}, step ${op.step || '-'}`,
    `message:  ${op.message || '-'}`,
    `created:  ${formatTime(op.created_at)} (${formatAge(op.created_at, now)}) by ${op.created_by}${op.finished_at === null ? '' : `, finished ${formatTime(op.finished_at)}`}`,
  ];
  let text = `${lines.join('\n')}\n`;
  for (const warning of op.warnings) text += `warning: ${warning}\n`;
  // Grouped by the batches' own host lists, so the table does not depend on how hosts number their batch.
  const byName = new Map(op.hosts.map((h) => [h.name, h]));
  const rows = op.batches.flatMap((b, i) =>
    b.hosts.map((name) => {
      const h = byName.get(name);
      return [`${i + 1}/${op.batches.length}`, name, h === undefined ? '-' : h.was_cordoned ? `${h.state} (was cordoned)` : h.state];
    }),
  );
  if (rows.length > 0) text += `\n${formatTable(['BATCH', 'HOST', 'STATE'], rows)}`;
  const failure = formatOperationFailure(op);
  if (failure !== '') text += `\n${failure}`;
  if (op.status === 'paused' && op.failure === null) text += `\npaused; "bubo op resume ${op.id}" goes on\n`;
  if (op.log.length > 0) text += `\nlog:\n${op.log.map((e) => `  ${formatOperationLogLine(e, op.batches.length)}\n`).join('')}`;
  return text;
}
