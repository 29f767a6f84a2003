import type { Command } from 'commander';
import type { EventView } from '../../api/event-view.js';
import type { CliDeps } from '../cli-deps.js';
import { formatTime } from '../format-age.js';
import { formatTable } from '../format-table.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { formatAppRef, parseAppRef } from '../parse-app-ref.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';
import { UsageError } from '../usage-error.js';

const FOLLOW_POLL_MS = 1_000;
const HEAD = ['AT', 'ACTOR', 'KIND', 'APP', 'HOST', 'MESSAGE'];

/**
 * `bubo events`: the event log, oldest first. `--follow` keeps polling with `after` until
 * SIGINT; with `--json` it then prints one compact API body per line (NDJSON).
 */
export function registerEvents(program: Command, deps: CliDeps): void {
  program
    .command('events')
    .description('show the event log, oldest first')
    .option('--app <app>', 'only events of APP or NAMESPACE/APP')
    .option('--host <host>', 'only events of a host')
    .option('--limit <n>', 'at most N events (1-1000)')
    .option('-f, --follow', 'keep printing new events until interrupted')
    .action(
      runCommand(deps, async (command) => {
        const { json, namespace } = globalOptions(command);
        const o = command.opts<{ app?: string; host?: string; limit?: string; follow?: boolean }>();
        if (o.limit !== undefined && !/^\d+$/.test(o.limit)) throw new UsageError(`--limit "${o.limit}" must be a whole number`);
        const query = {
          app: o.app === undefined ? undefined : formatAppRef(parseAppRef(o.app, namespace)),
          host: o.host,
          limit: o.limit === undefined ? undefined : Number(o.limit),
        };
        const client = await openClient(command, deps);
        if (!o.follow) {
          const body = await client.call('listEvents', { query });
          if (json) printJson(deps, body);
          else deps.stdout(body.events.length ? formatTable(HEAD, body.events.map(row)) : 'no events\n');
          return;
        }
        const signal = deps.shutdownSignal();
        let after: number | undefined;
        while (!signal.aborted) {
          const body = await client.call('listEvents', { query: { ...query, after }, signal }).catch((error: unknown) => {
            if (signal.aborted) return { events: [] };
            throw error;
          });
          if (body.events.length) {
            if (json) deps.stdout(`${JSON.stringify(body)}\n`);
            else for (const event of body.events) deps.stdout(`${row(event).join('  ')}\n`);
            after = body.events[body.events.length - 1]?.id;
          }
          await deps.sleep(FOLLOW_POLL_MS, signal);
        }
      }),
    );
}

function row(e: EventView): string[] {
  return [formatTime(e.at), e.actor, e.kind, e.app ?? '-', e.host ?? '-', e.message];
}
