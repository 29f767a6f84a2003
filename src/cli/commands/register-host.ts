import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { printJson } from '../print-json.js';
import { positiveSeconds } from '../positive-seconds.js';
import { runCommand } from '../run-command.js';
import { waitHostDrained } from '../wait-host-drained.js';
import { registerHostRemove } from './register-host-remove.js';
import { registerJoinToken } from './register-join-token.js';

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
    .description('cordon a host and move its instances to other hosts of its group (one per app at a time), waiting until none is left')
    .argument('<host>', 'host name')
    .option('--no-wait', 'return once the drain has started')
    .option('--timeout <seconds>', 'how long to wait for the host to drain', '600')
    .action(
      runCommand(deps, async (command, name: string) => {
        const o = command.opts<{ wait: boolean; timeout: string }>();
        const timeoutS = positiveSeconds('--timeout', o.timeout);
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
