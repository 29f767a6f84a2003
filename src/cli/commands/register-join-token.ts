import type { Command } from 'commander';
import { parseDurationMs } from '../../taskfile/parse-duration.js';
import type { CliDeps } from '../cli-deps.js';
import { escapeTerminal } from '../escape-terminal.js';
import { formatTable } from '../format-table.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';
import { UsageError } from '../usage-error.js';

function collectLabel(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new UsageError(`--label "${value}" must be key=value, e.g. --label rack=r12`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

function parseCount(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1) throw new UsageError(`--uses "${value}" must be a whole number of at least 1`);
  return Number(value);
}

/** `bubo host join-token create|ls|revoke`: the tokens that let machines join a group. */
export function registerJoinToken(host: Command, deps: CliDeps): void {
  const tokens = host.command('join-token').description('tokens that let a machine join the cluster');
  tokens
    .command('create')
    .description('create a join token for a group; prints it with the agent command line')
    .requiredOption('--group <group>', 'the group the joining machines become part of')
    .option('--label <key=value>', 'a label the joining hosts get (repeatable)', collectLabel, {})
    .option('--role <role>', 'a role the joining hosts get, e.g. lb (repeatable)', (v: string, p: string[]) => [...p, v], [] as string[])
    .option('--ttl <duration>', 'how long the token is valid, e.g. 1h, 30m', '1h')
    .option('--uses <n>', 'how many machines may join with it', parseCount, 1)
    .action(
      runCommand(deps, async (command) => {
        const o = command.opts<{ group: string; label: Record<string, string>; role: string[]; ttl: string; uses: number }>();
        let ttlMs: number;
        try {
          ttlMs = parseDurationMs(o.ttl);
        } catch (error) {
          throw new UsageError(`--ttl "${o.ttl}": ${(error as Error).message}`);
        }
        const created = await (await openClient(command, deps)).call('createJoinToken', {
          body: { group: o.group, labels: o.label, roles: o.role, ttl_ms: ttlMs, uses: o.uses },
        });
        if (globalOptions(command).json) return printJson(deps, created);
        deps.stdout(
          `join token ${created.id} for group ${escapeTerminal(created.group)}: ${created.uses_left} use(s), valid until ${created.expires_at}\n` +
            `token:          ${created.token}\n` +
            `CA fingerprint: ${created.ca_fingerprint}\n` +
            `on the machine to join, as root:\n  ${created.agent_command}\n` +
            (created.server_url ? '' : '(the server has no --tls-listen: replace SERVER:7443 with its TLS address once it has)\n'),
        );
      }),
    );
  tokens
    .command('ls')
    .description('list join tokens (never their secret)')
    .action(
      runCommand(deps, async (command) => {
        const body = await (await openClient(command, deps)).call('listJoinTokens');
        if (globalOptions(command).json) return printJson(deps, body);
        if (body.join_tokens.length === 0) return deps.stdout('no join tokens; create one with "bubo host join-token create --group G"\n');
        deps.stdout(
          formatTable(
            ['ID', 'GROUP', 'LABELS', 'ROLES', 'USES LEFT', 'EXPIRES', 'REVOKED'],
            body.join_tokens.map((t) => [
              t.id,
              t.group,
              Object.entries(t.labels).map(([k, v]) => `${k}=${v}`).join(',') || '-',
              t.roles.join(',') || '-',
              String(t.uses_left),
              Date.parse(t.expires_at) <= deps.now() ? `${t.expires_at} (expired)` : t.expires_at,
              t.revoked ? 'yes' : 'no',
            ]),
          ),
        );
      }),
    );
  tokens
    .command('revoke')
    .description('revoke a join token: no machine can join with it any more')
    .argument('<id>', 'token id, as "bubo host join-token ls" shows it')
    .action(
      runCommand(deps, async (command, id: string) => {
        const view = await (await openClient(command, deps)).call('revokeJoinToken', { params: { id } });
        if (globalOptions(command).json) printJson(deps, view);
        else deps.stdout(`join token ${view.id} revoked; hosts that joined with it keep their certificates\n`);
      }),
    );
}
