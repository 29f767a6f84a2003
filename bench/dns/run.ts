import { mkdtempSync, rmSync } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hasDig } from '../../test/support/test-dns-client.js';
import { runCommand } from '../../src/exec/run-command.js';
import { benchQueries, dnsperfQueryFile } from './bench-queries.js';
import { dnsmasqArgv, dnsmasqConfig } from './dnsmasq-config.js';
import { type DnsperfResult, dnsperfArgv, parseDnsperfOutput } from './dnsperf-output.js';
import { freeUdpTcpPort } from './free-port.js';
import { killAllSync, type ServerProcess, startServerProcess } from './server-process.js';
import { type Round, summarizeRounds } from './summarize-rounds.js';
import { syntheticCatalog } from './synthetic-catalog.js';
import { sampleQueries, verifyAnswers } from './verify-answers.js';

// npm run bench:dns -- [--quick] [--seconds N] [--rounds N] [--clients N] [--outstanding N]
//                      [--apps N] [--instances N] [--json] [--cpu-prof-dir DIR]
// Needs dnsperf, dnsmasq-base (/usr/sbin/dnsmasq) and dnsutils (dig). BUBO_BENCH_DNS_SECONDS
// sets the default duration.

/** A user's mistake or a missing tool: one line, no stack trace. */
const fail = (message: string): never => {
  console.error(`bench:dns: ${message}`);
  process.exit(1);
};

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    clients: { type: 'string', default: '4' },
    outstanding: { type: 'string', default: '100' },
    apps: { type: 'string', default: '200' },
    instances: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
    'cpu-prof-dir': { type: 'string' },
  },
});

const positive = (name: string, raw: string): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) fail(`--${name} must be a positive integer, got "${raw}"`);
  return n;
};
const seconds = positive('seconds', values.seconds ?? process.env.BUBO_BENCH_DNS_SECONDS ?? (values.quick ? '3' : '10'));
const roundCount = positive('rounds', values.rounds ?? (values.quick ? '1' : '3'));
const clients = positive('clients', values.clients);
const outstanding = positive('outstanding', values.outstanding);
const dnsmasqBinary = '/usr/sbin/dnsmasq';
const missing = [
  (await access(dnsmasqBinary).then(() => true, () => false)) ? null : `${dnsmasqBinary} (apt-get install dnsmasq-base)`,
  (await hasDig()) ? null : 'dig (apt-get install dnsutils)',
  (await runCommand({ argv: ['dnsperf', '-h'] }).then(() => true, () => false)) ? null : 'dnsperf (apt-get install dnsperf)',
].filter((x) => x !== null);
if (missing.length > 0) fail(`missing ${missing.join(', ')}`);
const zone = 'bubo.internal';
const ttl = 5; // bubo's default; dnsmasq gets it as --local-ttl
const catalog = syntheticCatalog({ apps: positive('apps', values.apps), instancesPerApp: positive('instances', values.instances) });
const queries = benchQueries(catalog, { zone, ttl });
const here = dirname(fileURLToPath(import.meta.url));
const log = (line: string) => {
  if (!values.json) console.log(line);
};

const dir = mkdtempSync(join(tmpdir(), 'bubo-bench-dns-'));
const abort = new AbortController(); // ends a running dnsperf
const cleanUp = () => {
  abort.abort();
  killAllSync();
  rmSync(dir, { recursive: true, force: true });
};
process.once('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

const servers: ServerProcess[] = [];
try {
  const catalogFile = join(dir, 'catalog.json');
  const confFile = join(dir, 'dnsmasq.conf');
  const queryFile = join(dir, 'queries.txt');
  await writeFile(catalogFile, JSON.stringify(catalog));
  await writeFile(confFile, dnsmasqConfig(catalog, zone));
  await writeFile(queryFile, dnsperfQueryFile(queries));

  // bubo in its own process (tsx as the loader), so neither dnsperf nor this harness shares its event loop.
  const profile = values['cpu-prof-dir'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(values['cpu-prof-dir'])}`] : [];
  const bubo = await startServerProcess(
    [process.execPath, ...profile, '--import', 'tsx', join(here, 'serve-bubo.ts'), '--catalog', catalogFile],
    { ready: /listening 127\.0\.0\.1:(\d+)/, cwd: resolve(here, '../..'), timeoutMs: 30_000 },
  );
  servers.push(bubo);
  const dnsmasqPort = await freeUdpTcpPort();
  const dnsmasq = await startServerProcess(
    dnsmasqArgv({ binary: dnsmasqBinary, confFile, pidFile: join(dir, 'dnsmasq.pid'), port: dnsmasqPort, zone, ttl }),
    { ready: /dnsmasq: started/ },
  );
  servers.push(dnsmasq);
  const targets = [
    { label: 'bubo' as const, address: { address: '127.0.0.1', port: Number(bubo.ready[1]) } },
    { label: 'dnsmasq' as const, address: { address: '127.0.0.1', port: dnsmasqPort } },
  ];

  // A benchmark of wrong answers is worthless: both must give the catalog's answers first.
  const sample = sampleQueries(queries, 40);
  const mismatches = await verifyAnswers(targets, sample);
  if (mismatches.length > 0) {
    for (const m of mismatches.slice(0, 20)) console.error(`${m.server}: ${m.query}: ${m.problem}`);
    throw new Error(`${mismatches.length} wrong answers in a sample of ${sample.length} queries per server: not benchmarking`);
  }
  log(`verified ${sample.length} queries on each server with dig: same answers`);

  const measure = async (port: number, runSeconds: number): Promise<DnsperfResult> => {
    const argv = dnsperfArgv({ port, queryFile, seconds: runSeconds, clients, outstanding });
    const { stdout } = await runCommand({ argv, timeoutMs: (runSeconds + 30) * 1000 }, abort.signal);
    const result = parseDnsperfOutput(stdout);
    if (result.queriesCompleted === 0) throw new Error(`dnsperf got no answer at all from 127.0.0.1:${port}`);
    return result;
  };
  // Warm-up, discarded for both: V8's JIT for bubo.
  for (const target of targets) await measure(target.address.port, 1);
  const rounds: Round[] = [];
  for (let n = 0; n < roundCount; n++) {
    // Alternate who goes first, so neither always runs on the fresher machine.
    const order = n % 2 === 0 ? targets : [...targets].reverse();
    const round: Partial<Round> = {};
    for (const target of order) {
      log(`round ${n + 1}/${roundCount}, ${target.label}: ${seconds} s of dnsperf, ${clients} clients, ${outstanding} queries in flight…`);
      round[target.label] = await measure(target.address.port, seconds);
    }
    rounds.push(round as Round);
  }
  const summary = summarizeRounds(rounds);
  const b = summary.bubo;
  const d = summary.dnsmasq;
  const result = {
    date: new Date().toISOString(),
    seconds,
    rounds: roundCount,
    clients,
    outstanding,
    catalog: { apps: catalog.services.length, instances: catalog.services.reduce((n, s) => n + s.instances.length, 0) },
    queryMix: Object.fromEntries(['app', 'srv', 'instance', 'nxdomain'].map((k) => [k, queries.filter((q) => q.kind === k).length])),
    bubo: b,
    dnsmasq: d,
    ratioQps: summary.ratioQps,
    everyRound: rounds,
  };
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else {
    const mix = Object.entries(result.queryMix).map(([k, n]) => `${n} ${k}`).join(', ');
    console.log(`\n${result.catalog.apps} apps × ${values.instances} instances; ${queries.length} queries in the loop (${mix})`);
    console.log(`median of ${roundCount} round(s) of ${seconds} s; per-round QPS bubo/dnsmasq: ${rounds.map((r) => `${r.bubo.queriesPerSecond.toFixed(0)}/${r.dnsmasq.queriesPerSecond.toFixed(0)}`).join(', ')}`);
    console.log('server      QPS        lost      avg latency   max latency');
    for (const [label, r] of Object.entries({ bubo: b, dnsmasq: d })) {
      const lost = `${r.queriesLost} (${((100 * r.queriesLost) / Math.max(1, r.queriesSent)).toFixed(2)} %)`;
      console.log(
        `${label.padEnd(9)} ${r.queriesPerSecond.toFixed(0).padStart(8)}  ${lost.padEnd(14)}  ${r.latency.avgMs.toFixed(3).padStart(7)} ms  ${r.latency.maxMs.toFixed(1).padStart(8)} ms`,
      );
    }
    console.log(`ratio bubo/dnsmasq (QPS, median of per-round ratios): ${result.ratioQps.toFixed(2)}`);
    if (b.queriesLost + d.queriesLost > 0) console.log('some queries were lost (unanswered within 2 s): fewer --clients/--outstanding?');
  }
} catch (error) {
  // The message carries the detail (a server's last output, dnsperf's stderr); a stack adds nothing.
  console.error(`bench:dns: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await Promise.all(servers.map((s) => s.stop()));
}
