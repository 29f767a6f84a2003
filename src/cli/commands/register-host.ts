import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';
import { registerHostRemove } from './register-host-remove.js';
import { registerJoinToken } from './register-join-token.js';

/** `bubo host cordon|uncordon|remove HOST`, `bubo host join-token …`. */
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
  registerHostRemove(host, deps);
  registerJoinToken(host, deps);
}
