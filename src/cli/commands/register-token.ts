import type { Command } from 'commander';
import { GRANTS, ROLES } from '../../domain/api-token.js';
import { parseCliDurationMs } from '../parse-cli-duration.js';
import type { CliDeps } from '../cli-deps.js';
import { formatTable } from '../format-table.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';
import { UsageError } from '../usage-error.js';

/** `bubo token create|ls|revoke`: tokens of people and robots, each with a role. */
export function registerToken(program: Command, deps: CliDeps): void {
  const tokens = program.command('token').description('tokens of people and robots, each with a role (admin only)');
  tokens
    .command('create')
    .description('create a token; it is printed once, the server keeps only its hash. -n/--namespace NS[,NS...]: where a deployer or viewer acts')
    .requiredOption('--name <name>', 'whose token: a person or a robot, e.g. alice or ci-shop')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--grant <what>', 'for a viewer: logs (read the output of its namespaces\' apps)', (v: string, p: string[]) => [...p, v], [] as string[])
    .option('--ttl <duration>', 'how long it is valid, e.g. 90d, 12h (default: until revoked)')
    .action(
      runCommand(deps, async (command) => {
        const o = command.opts<{ name: string; role: string; grant: string[]; ttl?: string }>();
        for (const grant of o.grant) if (!(GRANTS as readonly string[]).includes(grant)) throw new UsageError(`--grant "${grant}" must be one of ${GRANTS.join(', ')}`);
        // The program's own -n/--namespace, here a comma-separated list: where the token acts
        // (a deployer needs one; a viewer without one sees every namespace).
        const namespaces = (globalOptions(command).namespace ?? '').split(',').map((n) => n.trim()).filter(Boolean);
        if (!(ROLES as readonly string[]).includes(o.role)) throw new UsageError(`--role "${o.role}" must be one of ${ROLES.join(', ')}`);
        let ttlMs: number | undefined;
        if (o.ttl !== undefined) {
          try {
            ttlMs = parseCliDurationMs(o.ttl);
          } catch (error) {
            throw new UsageError(`--ttl "${o.ttl}": ${(error as Error).message}`);
          }
        }
        const client = await openClient(command, deps);
        const created = await client.call('createToken', {
          body: { name: o.name, role: o.role as (typeof ROLES)[number], namespaces, grants: o.grant as (typeof GRANTS)[number][], ...(ttlMs === undefined ? {} : { ttl_ms: ttlMs }) },
        });
        if (globalOptions(command).json) return printJson(deps, created);
        const scope = created.namespaces.length > 0 ? ` of ${created.namespaces.join(', ')}` : '';
        deps.stdout(
          `token ${created.id} for ${created.name}: ${created.role}${scope}, ${created.expires_at ? `valid until ${created.expires_at}` : 'valid until revoked'}\n` +
            `token: ${created.token}\n` +
            `it is shown only now; on the user's machine: printf %s TOKEN | bubo login --addr ${client.baseUrl}\n`,
        );
      }),
    );
  tokens
    .command('ls')
    .description('list tokens (never their secret)')
    .action(
      runCommand(deps, async (command) => {
        const body = await (await openClient(command, deps)).call('listTokens');
        if (globalOptions(command).json) return printJson(deps, body);
        if (body.tokens.length === 0) return deps.stdout('no tokens; create one with "bubo token create --name alice --role deployer --namespace shop"\n');
        deps.stdout(
          formatTable(
            ['ID', 'NAME', 'ROLE', 'NAMESPACES', 'EXPIRES', 'REVOKED', 'CREATED BY'],
            body.tokens.map((t) => [
              t.id,
              t.name,
              t.role,
              t.namespaces.join(',') || '*',
              t.expires_at === null ? '-' : Date.parse(t.expires_at) <= deps.now() ? `${t.expires_at} (expired)` : t.expires_at,
              t.revoked ? 'yes' : 'no',
              t.created_by,
            ]),
          ),
        );
      }),
    );
  tokens
    .command('revoke')
    .description('revoke a token: the next call with it is refused')
    .argument('<id>', 'token id, as "bubo token ls" shows it')
    .action(
      runCommand(deps, async (command, id: string) => {
        const view = await (await openClient(command, deps)).call('revokeToken', { params: { id } });
        if (globalOptions(command).json) printJson(deps, view);
        else deps.stdout(`token ${view.id} of ${view.name} revoked\n`);
      }),
    );
}
