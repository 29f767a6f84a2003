import type { Command } from 'commander';
import type { OperationRequest } from '../../api/operation-view.js';
import { DomainError } from '../../errors/domain-error.js';
import type { CliDeps } from '../cli-deps.js';
import { followOperation } from '../follow-operation.js';
import { formatOperationPlan } from '../format-operation-plan.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';
import { UsageError } from '../usage-error.js';

const KINDS = ['maintain'] as const;

interface StartOptions {
  group: string;
  hosts?: string;
  label: Record<string, string>;
  batch?: string;
  run?: string;
  reboot?: boolean;
  pauseAfterEachBatch?: boolean;
  drainDeadline?: string;
  rebootDeadline?: string;
  settleDeadline?: string;
  dryRun?: boolean;
  yes?: boolean;
  follow?: boolean;
}

function collectLabel(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new UsageError(`--label "${value}" must be key=value, e.g. --label rack=r12`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/**
 * `bubo op start maintain --group G …`: asks the server for the plan and shows it, then (after
 * --yes or a yes on the terminal) starts it. The plan call starts nothing, so `--dry-run`, a
 * refused plan and a declined question all leave the cluster as it was. Batch sizes and
 * durations are checked by the server, which names the field.
 */
export function registerOpStart(op: Command, deps: CliDeps): void {
  op.command('start')
    .description('plan a maintenance operation over hosts of a group, show the plan, and start it after confirmation')
    .argument('<kind>', `what to do: ${KINDS.join(', ')}`)
    .requiredOption('--group <group>', 'the group whose hosts are maintained')
    .option('--hosts <a,b>', 'only these hosts of the group (comma-separated; default: all, matching --label)')
    .option('--label <key=value>', 'only hosts with this label (repeatable)', collectLabel, {})
    .option('--batch <n|n%>', 'most hosts per batch: a count (2) or a share of the hosts (25%) (default 1)')
    .option('--run <name>', 'a command name of the agents\' --maintenance file to run on each host, e.g. patch')
    .option('--reboot', 'reboot each host (after --run) and wait for its agent to come back')
    .option('--pause-after-each-batch', 'pause after each batch; "bubo op resume ID" goes on')
    .option('--drain-deadline <duration>', 'how long moving a batch\'s instances away may take (default 10m)')
    .option('--reboot-deadline <duration>', 'how long a host may take to come back from a reboot (default 15m)')
    .option('--settle-deadline <duration>', 'how long the instances may take to be back and healthy (default 10m)')
    .option('--dry-run', 'show the plan and stop')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('-f, --follow', 'follow the operation until it ends or pauses')
    .action(
      runCommand(deps, async (command, kind: string) => {
        if (!(KINDS as readonly string[]).includes(kind)) throw new UsageError(`unknown operation kind "${kind}"; the kinds are: ${KINDS.join(', ')} (e.g. "bubo op start maintain --group web")`);
        const o = command.opts<StartOptions>();
        const { json } = globalOptions(command);
        const body = request(o);
        const client = await openClient(command, deps);
        const plan = await client.call('planOperation', { body });
        if (!json) deps.stdout(formatOperationPlan(plan));
        // With --json a refused plan is the error's details: one JSON document on stdout.
        if (!plan.ok) {
          throw new DomainError('conflict', `cannot maintain group ${plan.group}: ${plan.reason ?? 'the plan is not possible'}${plan.fix ? `; fix: ${plan.fix}` : ''}`, { plan });
        }
        if (o.dryRun) {
          if (json) printJson(deps, plan);
          return;
        }
        if (o.yes !== true) {
          if (!deps.interactive) throw new UsageError('refusing to start the operation without confirmation; add --yes');
          // With --json the plan is not on stdout: the human answering still sees what they agree to.
          if (json) deps.stderr(formatOperationPlan(plan));
          if (!(await deps.confirm('Start this operation? [y/N] '))) throw new DomainError('cancelled', 'the operation was not started');
        }
        const started = await client.call('startOperation', { body });
        const batches = `${started.batches.length} batch${started.batches.length === 1 ? '' : 'es'}`;
        if (o.follow) {
          if (!json) deps.stdout(`operation ${started.id} started (${batches}); following it (ctrl-c stops following, not the operation)\n`);
          await followOperation(client, deps, started, { json });
        } else if (json) printJson(deps, started);
        else deps.stdout(`operation ${started.id} started (${batches}); "bubo op show ${started.id} -f" follows it\n`);
      }),
    );
}

function request(o: StartOptions): OperationRequest {
  const hosts = o.hosts === undefined ? undefined : o.hosts.split(',').map((h) => h.trim()).filter((h) => h !== '');
  if (hosts !== undefined && hosts.length === 0) throw new UsageError(`--hosts "${o.hosts}" names no host; write e.g. --hosts web-1,web-2`);
  return {
    kind: 'maintain',
    group: o.group,
    ...(hosts === undefined ? {} : { hosts }),
    ...(Object.keys(o.label).length === 0 ? {} : { labels: o.label }),
    ...(o.batch === undefined ? {} : { batch: o.batch }),
    ...(o.run === undefined ? {} : { run: o.run }),
    ...(o.reboot ? { reboot: true } : {}),
    ...(o.pauseAfterEachBatch ? { pause_after_each_batch: true } : {}),
    ...(o.drainDeadline === undefined ? {} : { drain_deadline: o.drainDeadline }),
    ...(o.rebootDeadline === undefined ? {} : { reboot_deadline: o.rebootDeadline }),
    ...(o.settleDeadline === undefined ? {} : { settle_deadline: o.settleDeadline }),
  };
}
