import type { Command } from 'commander';
import type { OperationView } from '../../api/operation-view.js';
import type { CliDeps } from '../cli-deps.js';
import { followOperation } from '../follow-operation.js';
import { formatAge } from '../format-age.js';
import { formatOperation } from '../format-operation.js';
import { formatOperationBatch } from '../format-operation-batch.js';
import { formatOperationStatus } from '../format-operation-status.js';
import { formatTable } from '../format-table.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';
import { registerOpStart } from './register-op-start.js';

type Action = 'pause' | 'resume' | 'abort' | 'retry' | 'skip';

/** Each action with its help line and the one line saying what happens now. */
const ACTIONS: Record<Action, { description: string; done: (op: OperationView) => string }> = {
  pause: {
    description: 'pause an operation at the next step boundary',
    done: (op) => (op.status === 'paused' ? `operation ${op.id} paused; "bubo op resume ${op.id}" goes on` : `operation ${op.id} pauses at the next step boundary; "bubo op resume ${op.id}" goes on`),
  },
  resume: {
    description: 'go on after a pause (refused while a failure waits for retry, skip or abort)',
    done: (op) => `operation ${op.id} resumes: batch ${formatOperationBatch(op)}, step ${op.step}`,
  },
  abort: {
    description: 'end an operation; the hosts of its current batch are uncordoned (unless they were cordoned before)',
    done: (op) => `operation ${op.id} ${op.status === 'aborted' ? 'aborted' : 'aborts'}: the hosts of batch ${formatOperationBatch(op)} are uncordoned, unless they were cordoned before`,
  },
  retry: {
    description: 'run the failed step of a paused operation again',
    done: (op) => `operation ${op.id} retries step ${op.step} of batch ${formatOperationBatch(op)}`,
  },
  skip: {
    description: 'leave the hosts whose step failed out and go on (they are still uncordoned at the end of their batch)',
    done: (op) => `operation ${op.id} skips the failed hosts and goes on; they are uncordoned at the end of batch ${formatOperationBatch(op)}`,
  },
};

/** `bubo op start|ls|show|pause|resume|abort|retry|skip`: maintenance operations over hosts. */
export function registerOp(program: Command, deps: CliDeps): void {
  const op = program.command('op').description('maintenance operations: patch or reboot the hosts of a group batch by batch, every app staying available');
  registerOpStart(op, deps);
  op.command('ls')
    .description('list operations, newest first')
    .action(
      runCommand(deps, async (command) => {
        const body = await (await openClient(command, deps)).call('listOperations');
        if (globalOptions(command).json) printJson(deps, body);
        else if (body.operations.length === 0) deps.stdout('no operations; "bubo op start maintain --group G" starts one\n');
        else {
          const rows = body.operations.map((o) => [o.id, formatOperationStatus(o), o.group, formatOperationBatch(o), o.step || '-', o.message || '-', formatAge(o.created_at, deps.now())]);
          deps.stdout(formatTable(['ID', 'STATUS', 'GROUP', 'BATCH', 'STEP', 'MESSAGE', 'CREATED'], rows));
        }
      }),
    );
  op.command('show')
    .description('show an operation: its batches, hosts, a failure and the log')
    .argument('<id>', 'operation id')
    .option('-f, --follow', 'keep printing new log lines until it ends or pauses (exit 1 when it pauses on a failure)')
    .action(
      runCommand(deps, async (command, id: string) => {
        const { json } = globalOptions(command);
        const client = await openClient(command, deps);
        const view = await client.call('getOperation', { params: { id } });
        if (!json) deps.stdout(formatOperation(view, deps.now()));
        if (command.opts<{ follow?: boolean }>().follow) await followOperation(client, deps, view, { json, shown: view.log });
        else if (json) printJson(deps, view);
      }),
    );
  for (const [action, { description, done }] of Object.entries(ACTIONS) as [Action, (typeof ACTIONS)[Action]][]) {
    op.command(action)
      .description(description)
      .argument('<id>', 'operation id')
      .action(
        runCommand(deps, async (command, id: string) => {
          const view = await (await openClient(command, deps)).call('actOnOperation', { params: { id, action } });
          if (globalOptions(command).json) printJson(deps, view);
          else deps.stdout(`${done(view)}\n`);
        }),
      );
  }
}
