import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { UsageError } from '../usage-error.js';
import { globalOptions } from '../global-options.js';
import { hostTtlOptions } from '../host-ttl-options.js';
import { runCommand } from '../run-command.js';

/** The demo task files shipped with bubo (examples/demo), found relative to this file in src/ and dist/. */
function defaultExamplesDir(): string | null {
  const dir = fileURLToPath(new URL('../../../examples/demo/', import.meta.url));
  return existsSync(dir) ? dir : null;
}

/** `bubo up`: server, registry, this machine as a host, and the demo, in one process. */
export function registerUp(program: Command, deps: CliDeps): void {
  program
    .command('up')
    .description('run a whole bubo on this machine (control plane, local registry, this host) and deploy the demo')
    .option('--listen <addr>', 'host:port of the control plane', '127.0.0.1:7070')
    .option('--examples <dir>', 'deploy the task files (*.toml) of this directory instead of the demo')
    .option('--no-demo', 'deploy nothing')
    .option('--lb <host:port>', 'where the load balancer (NGINX) serves the public ports (port 80 of the task files)', '127.0.0.1:8080')
    .option('--host-ttl <duration>', 'a host silent this long is marked down and its instances unknown (default 20s)')
    .action(
      runCommand(deps, async (command) => {
        const o = command.opts<{ listen: string; examples?: string; demo: boolean; lb: string; hostTtl?: string }>();
        const core = hostTtlOptions(o.hostTtl);
        const lb = /^(.+):(\d{1,5})$/.exec(o.lb);
        if (!lb || Number(lb[2]) < 1 || Number(lb[2]) > 65535) throw new UsageError(`--lb "${o.lb}" must be host:port, e.g. 127.0.0.1:8080`);
        const dir = globalOptions(command).dir ?? '.bubo';
        const shutdown = deps.shutdownSignal();
        const { runUp } = await import('../../up/run-up.js');
        await runUp({
          dir,
          listen: o.listen,
          ...(Object.keys(core).length > 0 ? { core } : {}),
          lb: { address: lb[1]!, port: Number(lb[2]) },
          examplesDir: o.demo ? (o.examples ?? defaultExamplesDir()) : null,
          log: (line) => deps.stdout(`bubo up: ${line}\n`),
          signal: shutdown,
        });
      }),
    );
}
