export interface DnsServeArgs {
  /** How to run bubo: `[process.execPath, '<install>/bin/bubo.js']`. */
  program: readonly [string, ...string[]];
  /** Absolute agent state directory: how the process is told apart from others in /proc. */
  stateDir: string;
  /** `ip:port`, e.g. the bridge address and 53. */
  listen: string;
  /** `ip:port` servers for names outside the zone, in order. */
  upstreams: readonly string[];
  /** A DNS process of the same state directory to take the address over from. */
  replacePid?: number;
}

/** `node bubo.js dns serve --state-dir DIR --listen IP:PORT [--upstream IP:PORT]... [--replace PID]`. */
export function dnsServeArgv(args: DnsServeArgs): [string, ...string[]] {
  return [
    ...args.program,
    'dns',
    'serve',
    '--state-dir',
    args.stateDir,
    '--listen',
    args.listen,
    ...args.upstreams.flatMap((u) => ['--upstream', u]),
    ...(args.replacePid === undefined ? [] : ['--replace', String(args.replacePid)]),
  ];
}

/**
 * Whether a process's argv (`/proc/PID/cmdline` split on NUL) is `bubo dns serve` for
 * `stateDir`, as `dnsServeArgv` writes it: a reused pid, another agent's DNS process or any other
 * program is not ours, and is never signalled.
 */
export function isDnsProcessOf(argv: readonly string[], stateDir: string): boolean {
  const serve = argv.findIndex((word, i) => word === 'dns' && argv[i + 1] === 'serve');
  if (serve < 0) return false;
  const rest = argv.slice(serve + 2);
  return rest.some((word, i) => word === '--state-dir' && rest[i + 1] === stateDir);
}
