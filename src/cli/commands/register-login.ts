import type { Command } from 'commander';
import { ApiClient } from '../../client/api-client.js';
import { configFilePath, DEFAULT_ADDR } from '../../client/resolve-connection.js';
import { normalizeAddr } from '../../client/normalize-addr.js';
import type { CliDeps } from '../cli-deps.js';
import { globalOptions } from '../global-options.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';
import { UsageError } from '../usage-error.js';

/**
 * `bubo login [--addr URL]`: checks a token (read from stdin, never an argument) against the
 * server and stores address and token in the CLI's config file (0600), which later commands read.
 */
export function registerLogin(program: Command, deps: CliDeps): void {
  program
    .command('login')
    .description('store a token (read from stdin, or typed without echo) and the server address in the CLI config file (0600)')
    .action(
      runCommand(deps, async (command) => {
        const { addr, json, caFile: caFlag } = globalOptions(command);
        const baseUrl = normalizeAddr(addr ?? deps.env['BUBO_ADDR'] ?? DEFAULT_ADDR, addr ? '--addr' : 'BUBO_ADDR');
        const caFile = caFlag ?? deps.env['BUBO_CA_FILE'];
        const ca = caFile && baseUrl.startsWith('https:') ? await deps.readFile(caFile) : undefined;
        const token = (await deps.readSecretInput(`token for ${baseUrl} (not shown): `)).trim();
        if (token === '') throw new UsageError('no token given; pipe it in: printf %s "$TOKEN" | bubo login --addr URL');
        // Any authenticated read proves the token: every role may list the apps it sees.
        const client = new ApiClient({ baseUrl, token, ...(deps.fetch ? { fetch: deps.fetch } : ca ? { tls: { ca } } : {}) });
        await client.call('listApps', { query: {} });
        const path = configFilePath(deps.env, deps.home);
        await deps.writePrivateFile(path, `${JSON.stringify({ addr: baseUrl, token }, null, 2)}\n`);
        if (json) printJson(deps, { addr: baseUrl, config_file: path });
        else deps.stdout(`logged in to ${baseUrl}; token stored in ${path} (0600)\n`);
      }),
    );
}
