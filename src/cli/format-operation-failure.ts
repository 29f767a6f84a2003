import type { OperationView } from '../api/operation-view.js';

/**
 * What failed (hosts, step, message, the hosts' output indented) and the three ways on, each a
 * command to copy: an operation paused on a failure waits for a human and nothing else.
 * Empty when the operation has no pending failure.
 */
export function formatOperationFailure(op: OperationView): string {
  const f = op.failure;
  if (f === null) return '';
  let text = `failed: batch ${f.batch}/${op.batches.length}, step ${f.step}, on ${f.hosts.join(', ') || '-'}: ${f.message}\n`;
  const output = f.output.replace(/\s+$/, '');
  if (output !== '') text += `  output:\n${output.split('\n').map((line) => `    ${line}`).join('\n')}\n`;
  text += [
    'choose one:',
    `  bubo op retry ${op.id}   run the failed step again`,
    `  bubo op skip ${op.id}    leave the failed hosts out and go on (they are still uncordoned at the end of their batch)`,
    `  bubo op abort ${op.id}   end the operation (the hosts of this batch are uncordoned, unless they were cordoned before)`,
    '',
  ].join('\n');
  return text;
}
