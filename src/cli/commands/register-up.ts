import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { globalOptions } from '../global-options.js';
import { hostTtlOptions } from '../host-ttl-options.js';
import { runCommand } from '../run-command.js';
import { UsageError } from '../usage-error.js';

/** The demo task files shipped with bubo (examples/demo), found relative to this file in src/ and dist/. */
function defaultExamplesDir(): string | null {
  const dir = fileURLToPath(new URL('../../../examples/demo/', import.meta.url));
  return existsSync(dir) ? dir : null;
}

/** `--lb`, `--registry`, `--agent-listen`: `host:port` (port 0, "any free one", only where `anyPort`). */
function hostPort(flag: string, value: string, example: string, anyPort = false): { address: string; port: number } {
  const match = /^(.+):(\d{1,5})$/.exec(value);
  if (!match || Number(match[2]) < (anyPort ? 0 : 1) || Number(match[2]) > 65535) throw new UsageError(`${flag} "${value}" must be host:port, e.g. ${example}`);
  return { address: match[1]!, port: Number(match[2]) };
}

/** `--host-ttl`: a duration like the task file's, at least a second (agents beat at a quarter of it). */

interface UpFlags {
  listen: string;
  examples?: string;
  demo: boolean;
  lb: string;
  registry: string;
  bridge: string;
  agentListen?: string;
  clusterCidr: string;
  hostTtl?: string;
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
    .option('--registry <host:port>', 'where the local registry listens; images the task files name on 127.0.0.1:5055 are pulled from here', '127.0.0.1:5055')
    .option('--bridge <name>', 'the instance bridge', 'bubo0')
    .option('--agent-listen <host:port>', "the agent's HTTP listener that `bubo logs` reads from (default <address>:7071)")
    .option('--cluster-cidr <cidr>', 'IPv4 range from which this host gets the /24 of its instances', '10.88.0.0/16')
    .option('--host-ttl <duration>', 'how long the control plane waits for a silent host before marking it down, e.g. 20s (default 8s)')
    .action(
      runCommand(deps, async (command) => {
        const o = command.opts<UpFlags>();
        const lb = hostPort('--lb', o.lb, '127.0.0.1:8080');
        hostPort('--registry', o.registry, '127.0.0.1:5055');
        if (!/^[A-Za-z0-9_.-]{1,15}$/.test(o.bridge)) throw new UsageError(`--bridge "${o.bridge}" must be 1 to 15 letters, digits, "_", "." or "-" (a Linux interface name)`);
        if (o.agentListen !== undefined) hostPort('--agent-listen', o.agentListen, '127.0.0.1:7071', true);
        const core = hostTtlOptions(o.hostTtl);
        const dir = globalOptions(command).dir ?? '.bubo';
        const shutdown = deps.shutdownSignal();
        const { runUp } = await import('../../daemons/run-up.js');
        await runUp({
          dir,
          listen: o.listen,
          lb,
          registry: o.registry,
          bridge: o.bridge,
          clusterCidr: o.clusterCidr,
          ...(o.agentListen === undefined ? {} : { agentListen: o.agentListen }),
          core,
          examplesDir: o.demo ? (o.examples ?? defaultExamplesDir()) : null,
          log: (line) => deps.stdout(`bubo up: ${line}\n`),
          signal: shutdown,
        });
      }),
    );
}
