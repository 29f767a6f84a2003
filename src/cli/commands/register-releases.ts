import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { formatAge } from '../format-age.js';
import { formatTable } from '../format-table.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { parseAppRef } from '../parse-app-ref.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';

/** `bubo releases APP`: the releases of an app, newest first. */
export function registerReleases(program: Command, deps: CliDeps): void {
  program
    .command('releases')
    .description('list the releases of an app, newest first')
    .argument('<app>', 'APP or NAMESPACE/APP')
    .action(
      runCommand(deps, async (command, arg: string) => {
        const { json, namespace } = globalOptions(command);
        const client = await openClient(command, deps);
        const body = await client.call('listReleases', { params: parseAppRef(arg, namespace) });
        if (json) return printJson(deps, body);
        const now = deps.now();
        deps.stdout(
          formatTable(
            ['RELEASE', 'CURRENT', 'COUNT', 'CREATED', 'WARNINGS', 'SECRETS', 'IMAGES'],
            body.releases.map((r) => [
              r.version,
              r.current ? '*' : '',
              r.count,
              formatAge(r.created_at, now),
              r.warnings.length,
              Object.entries(r.secrets).map(([name, version]) => `${name}:${version}`).join(',') || '-',
              r.images.join(','),
            ]),
          ),
        );
      }),
    );
}
