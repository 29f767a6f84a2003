import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { DomainError } from '../../errors/domain-error.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { formatAppRef, parseAppRef } from '../parse-app-ref.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';
import { UsageError } from '../usage-error.js';

/** `bubo destroy APP`: stops every instance and deletes the app, after confirmation. */
export function registerDestroy(program: Command, deps: CliDeps): void {
  program
    .command('destroy')
    .description('stop every instance of an app and delete it')
    .argument('<app>', 'APP or NAMESPACE/APP')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      runCommand(deps, async (command, arg: string) => {
        const { json, namespace } = globalOptions(command);
        const ref = parseAppRef(arg, namespace);
        const name = formatAppRef(ref);
        if (command.opts<{ yes?: boolean }>().yes !== true) {
          if (!deps.interactive) throw new UsageError(`refusing to destroy ${name} without confirmation; pass --yes`);
          if (!(await deps.confirm(`destroy ${name} and stop all its instances? [y/N] `))) {
            throw new DomainError('cancelled', `${name} was not destroyed`);
          }
        }
        const client = await openClient(command, deps);
        const body = await client.call('destroyApp', { params: ref });
        if (json) printJson(deps, body);
        else deps.stdout(`${name}: destroying; its instances stop, then the app is deleted\n`);
      }),
    );
}
