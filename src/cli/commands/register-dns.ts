import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { runCommand } from '../run-command.js';
import { UsageError } from '../usage-error.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * `bubo dns serve` (hidden): the DNS process the agent starts detached and adopts after a
 * restart (src/dns/README.md). Not meant to be run by hand; listed in `ps` under this name.
 */
export function registerDns(program: Command, deps: CliDeps): void {
  program
    .command('dns', { hidden: true })
    .description("the agent's DNS process (started by bubo agent)")
    .command('serve')
    .description('answer *.bubo.internal from <state-dir>/catalog.json on --listen until SIGTERM')
    .requiredOption('--state-dir <dir>', "the agent's state directory")
    .requiredOption('--listen <ip:port>', 'where to answer, UDP and TCP')
    .option('--upstream <ip:port>', 'forward other names here (repeatable; default: /etc/resolv.conf)', collect, [])
    .option('--replace <pid>', 'take the address over from this DNS process of the same state directory')
    .action(
      runCommand(deps, async (command) => {
        const o = command.opts<{ stateDir: string; listen: string; upstream: string[]; replace?: string }>();
        const { parseDnsServeAddress, serveDnsProcess } = await import('../../daemons/serve-dns-process.js');
        const listen = parseDnsServeAddress('--listen', o.listen);
        for (const upstream of o.upstream) parseDnsServeAddress('--upstream', upstream);
        const replacePid = o.replace === undefined ? undefined : Number(o.replace);
        if (replacePid !== undefined && !(Number.isInteger(replacePid) && replacePid > 0)) throw new UsageError(`--replace "${o.replace}" must be a process id`);
        const signal = deps.shutdownSignal();
        await serveDnsProcess({
          stateDir: o.stateDir,
          listen,
          upstreams: o.upstream,
          ...(replacePid === undefined ? {} : { replacePid }),
          version: deps.version,
          signal,
          // Old and new process write one log during a takeover: the pid tells their lines apart.
          log: (line) => deps.stderr(`${new Date(deps.now()).toISOString()} [${process.pid}] ${line}\n`),
        });
      }),
    );
}
