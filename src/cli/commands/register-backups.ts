import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { escapeTerminal } from '../escape-terminal.js';
import { formatTime } from '../format-age.js';
import { formatBytes } from '../format-size.js';
import { formatTable } from '../format-table.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { parseAppRef } from '../parse-app-ref.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';

/** `bubo backups APP`: the app's `[[backups]]` schedule and its runs, newest first. */
export function registerBackups(program: Command, deps: CliDeps): void {
  program
    .command('backups')
    .description('scheduled backups of an app ([[backups]] in its task file): the schedule and every run, newest first')
    .argument('<app>', 'APP or NAMESPACE/APP')
    .action(
      runCommand(deps, async (command, app: string) => {
        const { json, namespace } = globalOptions(command);
        const ref = parseAppRef(app, namespace);
        const body = await (await openClient(command, deps)).call('listBackups', { params: { namespace: ref.namespace, app: ref.app } });
        if (json) return printJson(deps, body);
        if (body.schedule.length === 0) {
          deps.stdout(`${ref.namespace}/${ref.app} has no [[backups]] in its current release (see docs/volumes.md)\n`);
        } else {
          for (const s of body.schedule) {
            const before = s.before ? `, after running ${escapeTerminal(JSON.stringify(s.before))} in the instance` : '';
            deps.stdout(`volume ${s.volume}: every ${formatEvery(s.every_ms)} to ${escapeTerminal(s.to)} on its host, keep ${s.keep}${before}\n`);
          }
        }
        if (body.runs.length === 0) return deps.stdout('no runs yet\n');
        deps.stdout(
          formatTable(
            ['STARTED', 'VOLUME', 'STATUS', 'SIZE', 'ARCHIVE'],
            body.runs.map((r) => [
              formatTime(r.started_at),
              r.volume,
              r.status,
              r.bytes === null ? '-' : formatBytes(r.bytes),
              r.status === 'failed' ? escapeTerminal(r.error ?? '') : r.archive === null ? '-' : `${escapeTerminal(r.archive)}${r.pruned ? ' (deleted: keep)' : ''}`,
            ]),
          ),
        );
      }),
    );
}

function formatEvery(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}
