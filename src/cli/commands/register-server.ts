import type { Command } from 'commander';
import { defaultServerStateDir } from '../../client/default-state-dir.js';
import type { CliDeps } from '../cli-deps.js';
import { globalOptions } from '../global-options.js';
import { hostTtlOptions } from '../host-ttl-options.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';

/** `bubo server`: runs the control plane until SIGINT or SIGTERM, then closes it gracefully. */
export function registerServer(program: Command, deps: CliDeps): void {
  program
    .command('server')
    .description('run the bubo control plane (HTTP API, scheduler, deploy engine)')
    .option('--state-dir <dir>', 'where the database and admin.token live (default: /var/lib/bubo/server for root, else ~/.local/share/bubo/server)')
    .option('--listen <addr>', 'host:port to listen on', '127.0.0.1:7070')
    .option('--cluster-cidr <cidr>', 'IPv4 range from which every host gets a /24 for its instances', '10.88.0.0/16')
    .option('--host-ttl <duration>', 'a host silent this long is marked down and its instances unknown (default 20s)')
    .action(
      runCommand(deps, async (command) => {
        const options = command.opts<{ stateDir?: string; listen: string; clusterCidr: string; hostTtl?: string }>();
        const ttl = hostTtlOptions(options.hostTtl);
        const stateDir = options.stateDir ?? defaultServerStateDir({ home: deps.home, ...(deps.uid === undefined ? {} : { uid: deps.uid }) });
        const shutdown = deps.shutdownSignal();
        const start = deps.startServer ?? (await import('../../daemons/start-server.js')).startServer;
        const server = await start({ stateDir, listen: options.listen, core: { clusterCidr: options.clusterCidr, ...ttl } });
        if (globalOptions(command).json) {
          printJson(deps, { url: server.url, state_dir: stateDir, admin_token_path: server.adminTokenPath });
        } else {
          deps.stdout(`bubo server listening on ${server.url}\nstate dir: ${stateDir}\nadmin token: ${server.adminTokenPath}\n`);
        }
        if (!shutdown.aborted) await new Promise((resolve) => shutdown.addEventListener('abort', resolve, { once: true }));
        deps.stderr(`bubo: ${String(shutdown.reason)} received, stopping\n`);
        await server.close();
      }),
    );
}
