/** What one dnsperf run measured, from its "Statistics:" block. */
export interface DnsperfResult {
  queriesSent: number;
  queriesCompleted: number;
  queriesLost: number;
  queriesPerSecond: number;
  runTimeSeconds: number;
  /** Response code → count, e.g. `{ NOERROR: 900, NXDOMAIN: 40 }`. */
  responseCodes: Record<string, number>;
  latency: { avgMs: number; minMs: number; maxMs: number; stddevMs: number };
}

export class DnsperfOutputError extends Error {
  override name = 'DnsperfOutputError';
}

/**
 * Reads dnsperf 2.x's summary, e.g.
 * ```
 *   Queries sent:         133477
 *   Queries completed:    133477 (100.00%)
 *   Queries lost:         0 (0.00%)
 *   Response codes:       NOERROR 88985 (66.67%), NXDOMAIN 44492 (33.33%)
 *   Run time (s):         2.031992
 *   Queries per second:   65687.758613
 *   Average Latency (s):  0.001337 (min 0.000017, max 0.104264)
 *   Latency StdDev (s):   0.003315
 * ```
 * Throws `DnsperfOutputError` naming the first line it cannot find, with the output.
 */
export function parseDnsperfOutput(output: string): DnsperfResult {
  const field = (label: string, pattern = '([0-9.]+)'): RegExpExecArray => {
    const match = new RegExp(`^\\s*${label.replace(/[()]/g, '\\$&')}:\\s+${pattern}`, 'm').exec(output);
    if (!match) throw new DnsperfOutputError(`dnsperf output has no "${label}" line:\n${output}`);
    return match;
  };
  const num = (label: string) => Number(field(label)[1]);
  const latency = field('Average Latency (s)', '([0-9.]+) \\(min ([0-9.]+), max ([0-9.]+)\\)');
  // With no answers at all dnsperf prints no StdDev line.
  const stddev = /^\s*Latency StdDev \(s\):\s+([0-9.]+)/m.exec(output);
  const responseCodes: Record<string, number> = {};
  const codes = /^\s*Response codes:\s+(.*)$/m.exec(output)?.[1] ?? '';
  for (const [, code, count] of codes.matchAll(/([A-Z]+) (\d+) \(/g)) responseCodes[code!] = Number(count);
  return {
    queriesSent: num('Queries sent'),
    queriesCompleted: num('Queries completed'),
    queriesLost: num('Queries lost'),
    queriesPerSecond: num('Queries per second'),
    runTimeSeconds: num('Run time (s)'),
    responseCodes,
    latency: {
      avgMs: Number(latency[1]) * 1000,
      minMs: Number(latency[2]) * 1000,
      maxMs: Number(latency[3]) * 1000,
      stddevMs: stddev ? Number(stddev[1]) * 1000 : 0,
    },
  };
}

export interface DnsperfArgvOptions {
  port: number;
  queryFile: string;
  seconds: number;
  /** Sockets (dnsperf `-c`). */
  clients: number;
  /** Queries in flight at most (dnsperf `-q`). */
  outstanding: number;
}

/** One dnsperf run over UDP, without EDNS (so answers are capped at 512 bytes), one thread. */
export function dnsperfArgv(o: DnsperfArgvOptions): [string, ...string[]] {
  return [
    'dnsperf',
    '-s', '127.0.0.1',
    '-p', String(o.port),
    '-d', o.queryFile,
    '-l', String(o.seconds),
    '-c', String(o.clients),
    '-q', String(o.outstanding),
    '-T', '1',
    // A query unanswered for 2 s counts as lost; the default 5 s would hide a stall.
    '-t', '2',
  ];
}
