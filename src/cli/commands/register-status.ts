import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { parseAppRef } from '../parse-app-ref.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';
import { formatApps, formatInstances } from './format-apps.js';

/** `bubo status [APP]`: every app (of `-n` when given), or one app and its instances. */
export function registerStatus(program: Command, deps: CliDeps): void {
  program
    .command('status')
    .description('show apps, or one app and its instances')
    .argument('[app]', 'APP or NAMESPACE/APP')
    .action(
      runCommand(deps, async (command, arg: string | undefined) => {
        const { json, namespace } = globalOptions(command);
        const client = await openClient(command, deps);
        if (arg === undefined) {
          const body = await client.call('listApps', { query: { namespace } });
          if (json) printJson(deps, body);
          else deps.stdout(body.apps.length ? formatApps(body.apps) : 'no apps yet; deploy one with "bubo deploy"\n');
          return;
        }
        const app = await client.call('getApp', { params: parseAppRef(arg, namespace) });
        if (json) printJson(deps, { apps: [app] });
        else deps.stdout(`${formatApps([app])}\n${app.instances.length ? formatInstances(app) : 'no instances\n'}`);
      }),
    );
}
