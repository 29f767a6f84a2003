import type { Command } from 'commander';
import { ApiClient } from '../client/api-client.js';
import { resolveConnection } from '../client/resolve-connection.js';
import type { CliDeps } from './cli-deps.js';
import { globalOptions } from './global-options.js';

/** The API client for a command, connected as flags, environment and config file say. */
export async function openClient(command: Command, deps: CliDeps): Promise<ApiClient> {
  const options = globalOptions(command);
  const connection = await resolveConnection({
    addr: options.addr,
    token: options.token,
    env: deps.env,
    cwd: deps.cwd,
    home: deps.home,
    readFile: deps.readFile,
    upDir: options.dir,
    ...(deps.uid === undefined ? {} : { uid: deps.uid }),
  });
  const caFile = options.caFile ?? deps.env['BUBO_CA_FILE'];
  const ca = caFile && connection.baseUrl.startsWith('https:') ? await deps.readFile(caFile) : undefined;
  return new ApiClient({ baseUrl: connection.baseUrl, token: connection.token, ...(deps.fetch ? { fetch: deps.fetch } : ca ? { tls: { ca } } : {}) });
}
