import type { Command } from 'commander';
import { parseCliDurationMs } from '../parse-cli-duration.js';
import type { CliDeps } from '../cli-deps.js';
import { formatTime } from '../format-age.js';
import { formatTable } from '../format-table.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';
import { UsageError } from '../usage-error.js';

/** `bubo audit [--actor A] [--since 1h] [--limit N]`: who asked to change what, and how it ended. */
export function registerAudit(program: Command, deps: CliDeps): void {
  program
    .command('audit')
    .description('show the audit log, oldest first: every call that asked to change something (refused ones too), with caller, route and outcome')
    .option('--actor <actor>', 'only calls of this actor, e.g. admin or host:web-1')
    .option('--since <duration>', 'only calls in the last DURATION, e.g. 1h, 30m, 7d')
    .option('--limit <n>', 'at most N records, the newest (1-10000, default 100)')
    .action(
      runCommand(deps, async (command) => {
        const o = command.opts<{ actor?: string; since?: string; limit?: string }>();
        if (o.limit !== undefined && !/^\d+$/.test(o.limit)) throw new UsageError(`--limit "${o.limit}" must be a whole number`);
        let since: number | undefined;
        if (o.since !== undefined) {
          try {
            since = deps.now() - parseCliDurationMs(o.since);
          } catch (error) {
            throw new UsageError(`--since "${o.since}": ${(error as Error).message}`);
          }
        }
        const body = await (await openClient(command, deps)).call('listAudit', {
          query: { actor: o.actor, since, limit: o.limit === undefined ? undefined : Number(o.limit) },
        });
        if (globalOptions(command).json) return printJson(deps, body);
        if (body.records.length === 0) return deps.stdout('no audit records\n');
        deps.stdout(
          formatTable(
            ['AT', 'ACTOR', 'ROLE', 'CALL', 'STATUS', 'CODE'],
            body.records.map((r) => [formatTime(r.at), r.actor, r.role, `${r.method} ${r.target}`, String(r.status), r.code ?? '-']),
          ),
        );
      }),
    );
}
