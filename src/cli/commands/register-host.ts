import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { parseCliDurationMs } from '../parse-cli-duration.js';
import { printJson } from '../print-json.js';
import { positiveSeconds } from '../positive-seconds.js';
import { runCommand } from '../run-command.js';
import { UsageError } from '../usage-error.js';
import { waitHostDrained } from '../wait-host-drained.js';
import { registerHostRemove } from './register-host-remove.js';
import { registerJoinToken } from './register-join-token.js';

const DEFAULT_DRAIN_WAIT_S = 600;

/** `--deadline 10m` or the older `--timeout 600`, in whole seconds (at least 1); not both. */
function drainWaitSeconds(o: { deadline?: string; timeout?: string }): number {
  if (o.deadline !== undefined && o.timeout !== undefined) throw new UsageError('--deadline and --timeout both say how long to wait; give only --deadline');
  if (o.timeout !== undefined) return positiveSeconds('--timeout', o.timeout);
  if (o.deadline === undefined) return DEFAULT_DRAIN_WAIT_S;
  let ms: number;
  try {
    ms = parseCliDurationMs(o.deadline);
  } catch (error) {
    throw new UsageError(`--deadline: ${(error as Error).message}`);
  }
  if (ms < 1000) throw new UsageError(`--deadline "${o.deadline}" must be at least 1s`);
  return Math.ceil(ms / 1000);
}

/** `bubo host cordon|uncordon|drain|remove HOST`, `bubo host join-token …`. */
export function registerHost(program: Command, deps: CliDeps): void {
  const host = program.command('host').description('act on one host');
  host
    .command('cordon')
    .description('place nothing new on a host; running instances stay')
    .argument('<host>', 'host name')
    .action(
      runCommand(deps, async (command, name: string) => {
        const view = await (await openClient(command, deps)).call('cordonHost', { params: { host: name } });
        if (globalOptions(command).json) printJson(deps, view);
        else deps.stdout(`host ${view.name} cordoned: nothing new is placed on it; instances on it keep running\n`);
      }),
    );
  host
    .command('uncordon')
    .description('let the scheduler place instances on a host again')
    .argument('<host>', 'host name')
    .action(
      runCommand(deps, async (command, name: string) => {
        const view = await (await openClient(command, deps)).call('uncordonHost', { params: { host: name } });
        if (globalOptions(command).json) printJson(deps, view);
        else deps.stdout(`host ${view.name} uncordoned: the scheduler may place instances on it again\n`);
      }),
    );
  host
    .command('drain')
    .description(
      'cordon a host and move its instances to other hosts of its group first (a replacement serves on another host before each one stops; instances pinned to the host by a volume are stopped and come back when it is uncordoned), waiting until none is left',
    )
    .argument('<host>', 'host name')
    .option('--no-wait', 'return once the drain has started')
    .option('--deadline <duration>', 'how long to wait for the host to drain, e.g. 10m (default 10m)')
    .option('--timeout <seconds>', 'the same in seconds (older form of --deadline)')
    .action(
      runCommand(deps, async (command, name: string) => {
        const o = command.opts<{ wait: boolean; deadline?: string; timeout?: string }>();
        const timeoutS = drainWaitSeconds(o);
        const json = globalOptions(command).json;
        const client = await openClient(command, deps);
        let view = await client.call('drainHost', { params: { host: name } });
        if (o.wait) {
          await waitHostDrained(client, deps, name, timeoutS, json, `it stays cordoned and draining; "bubo host uncordon ${name}" ends the drain`);
          view = (await client.call('listHosts')).hosts.find((h) => h.name === name) ?? view;
        }
        if (json) printJson(deps, view);
        else if (o.wait) deps.stdout(`host ${view.name} drained: no instance left on it; it stays cordoned until "bubo host uncordon ${view.name}"\n`);
        else deps.stdout(`host ${view.name} draining: ${view.instances} instance(s) to move to other hosts of group ${view.group}; "bubo hosts" shows progress\n`);
      }),
    );
  registerHostRemove(host, deps);
  registerJoinToken(host, deps);
}
