import type { Command } from 'commander';
import type { AppLogLine } from '../../api/app-log-line.js';
import type { ApiClient } from '../../client/api-client.js';
import type { CliDeps } from '../cli-deps.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { type AppRef, parseAppRef } from '../parse-app-ref.js';
import { runCommand } from '../run-command.js';
import { UsageError } from '../usage-error.js';

/**
 * `bubo logs APP`: the output of an app's instances, as the server streams it from their hosts:
 * `instance/container | line`, or the bare line for one instance (`--instance`) that has one
 * container. `--json` prints the API's NDJSON lines as they come. A host that cannot be read is
 * reported on stderr and the others go on; the exit code is then 1. `-f` ends on SIGINT, with 0.
 */
export function registerLogs(program: Command, deps: CliDeps): void {
  program
    .command('logs')
    .description("print the output of an app's containers")
    .argument('<app>', 'APP or NAMESPACE/APP')
    .option('--instance <id>', 'only this instance')
    .option('-f, --follow', 'keep printing new lines until interrupted')
    .option('--since <duration>', 'only lines written in the last DURATION, e.g. 10m (approximate for runc)')
    .option('--tail <n>', 'only the last N lines of each container')
    .action(
      runCommand(deps, async (command, appArg: string) => {
        const { json, namespace } = globalOptions(command);
        const o = command.opts<{ instance?: string; follow?: boolean; since?: string; tail?: string }>();
        if (o.tail !== undefined && !/^\d+$/.test(o.tail)) throw new UsageError(`--tail "${o.tail}" must be a whole number of lines`);
        const ref = parseAppRef(appArg, namespace);
        const client = await openClient(command, deps);
        const signal = o.follow ? deps.shutdownSignal() : undefined;
        const bare = !json && o.instance !== undefined && (await singleContainer(client, ref, o.instance));
        const lines = await client.stream('appLogs', {
          params: ref,
          query: { instance: o.instance, follow: o.follow ? 'true' : undefined, tail: o.tail === undefined ? undefined : Number(o.tail), since: o.since },
          signal,
        });
        for await (const line of lines) {
          if (json) deps.stdout(`${JSON.stringify(line)}\n`);
          else if ('error' in line) deps.stderr(`bubo: ${line.error}\n`);
          else deps.stdout(`${formatLine(line, bare)}\n`);
          if ('error' in line) deps.setExitCode(1);
        }
      }),
    );
}

export function formatLine(line: Extract<AppLogLine, { line: string }>, bare: boolean): string {
  return bare ? line.line : `${line.instance}/${line.container} | ${line.line}`;
}

/** Whether the instance's release has one container (then its lines need no prefix). */
async function singleContainer(client: ApiClient, ref: AppRef, instance: string): Promise<boolean> {
  const [status, releases] = await Promise.all([client.call('getApp', { params: ref }), client.call('listReleases', { params: ref })]);
  const release = status.instances.find((i) => i.id === instance)?.release;
  return releases.releases.find((r) => r.version === release)?.images.length === 1;
}
