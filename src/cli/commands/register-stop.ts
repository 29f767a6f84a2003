import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { formatAppRef, parseAppRef } from '../parse-app-ref.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';

/** `bubo stop APP`: stops every instance and keeps the app (deploy or scale starts it again). */
export function registerStop(program: Command, deps: CliDeps): void {
  program
    .command('stop')
    .description('stop every instance of an app, keeping the app')
    .argument('<app>', 'APP or NAMESPACE/APP')
    .action(
      runCommand(deps, async (command, arg: string) => {
        const { json, namespace } = globalOptions(command);
        const ref = parseAppRef(arg, namespace);
        const client = await openClient(command, deps);
        const app = await client.call('stopApp', { params: ref });
        if (json) printJson(deps, app);
        else deps.stdout(`${formatAppRef(ref)}: stopping (${app.running} instances still running)\n`);
      }),
    );
}
