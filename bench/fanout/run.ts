import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { killAllSync, startServerProcess } from '../dns/server-process.js';
import type { FlushMessage, LatencySamples, StartMessage, WorkerMessage } from './sim-agents.js';
import { summarizeLatencies } from './summarize-latencies.js';

// npm run bench:fanout [-- --agents 1000,10000 --workers 4 --idle-s 10 --json]
// A real `bubo server` (dist/, build first) and N simulated agents long-polling it; one deploy
// of a 3-instance app; time until the three placed agents have their assignments and until
// every agent has the catalog listing the new instances, /v1/health latency and server RSS,
// each against the idle baseline measured just before in the same run.
const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '1000,10000' },
    workers: { type: 'string', default: '4' },
    'idle-s': { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
    // A registration that has not finished by then is reported as far as it got (the rest is skipped).
    'register-timeout-s': { type: 'string', default: '600' },
    // Profiling the server: a V8 CPU profile of the whole run (written when the server exits),
    // and a heap snapshot at the end of the idle window (SIGUSR2, `--heapsnapshot-signal`).
    'cpu-prof-dir': { type: 'string' },
    'heap-snapshot-dir': { type: 'string' },
  },
});
const root = fileURLToPath(new URL('../..', import.meta.url));
// Each agent holds two long-polls (assignments, catalog), so the server needs two descriptors per
// agent. The children inherit this process's limit (raise it with `ulimit -n` before the run);
// when it is short, every agent still polls its assignments and only as many as fit poll the
// catalog (said in the output).
const NOFILE_SPARE = 1_000;
const APP = 'fanout';
const INSTANCES = 3;
const TASK = `app = "${APP}"
group = "fanout"
count = ${INSTANCES}
runtime = "container"

[resources]
cpus = 0.1
memory = "32MiB"
disk = "32MiB"

[[containers]]
name = "web"
image = "registry.invalid/fanout:1"

[[ports]]
name = "http"
port = 80
`;

process.on('exit', killAllSync);

const results = [];
for (const agents of values.agents.split(',').map(Number)) results.push(await runOnce(agents, Number(values.workers), Number(values['idle-s']) * 1000));
if (values.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
process.exit(0);

async function runOnce(agents: number, workers: number, idleMs: number) {
  const stateDir = await mkdtemp(join(tmpdir(), 'bubo-bench-fanout-'));
  const limit = await openFileLimit();
  const catalogPollers = Math.max(0, Math.min(agents, limit - agents - NOFILE_SPARE));
  const server = await startServerProcess(
    [process.execPath, ...profileFlags(), join(root, 'bin/bubo.js'), 'server', '--state-dir', stateDir, '--listen', '127.0.0.1:0', '--cluster-cidr', '10.0.0.0/8'],
    { ready: /listening on (http:\/\/\S+)/, timeoutMs: 120_000 },
  );
  const url = server.ready[1]!;
  const token = (await readFile(join(stateDir, 'admin.token'), 'utf8')).trim();
  const serverPid = server.child.pid!;
  const children: ChildProcess[] = [];
  const assigned: number[] = [];
  const catalog = new Map<number, { agents: number; last: number }>();
  const errors = new Map<number, { count: number; sample: string }>();
  let registered = 0;
  let flushed: LatencySamples[] = [];
  const log = (line: string) => process.stderr.write(`fanout ${agents}: ${line}\n`);
  try {
    const started = Date.now();
    for (let w = 0; w < workers; w++) {
      const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/fanout/sim-agents.ts')], {
        cwd: root,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      child.on('message', (m: WorkerMessage) => {
        if (m.type === 'registered') registered += m.hosts;
        else if (m.type === 'samples') flushed.push(m);
        else if (m.type === 'assigned') assigned.push(m.at);
        else if (m.type === 'catalog') catalog.set(w, m);
        else errors.set(w, m);
      });
      const count = Math.floor(agents / workers) + (w < agents % workers ? 1 : 0);
      const share = Math.floor(catalogPollers / workers) + (w < catalogPollers % workers ? 1 : 0);
      child.send({ type: 'start', url, token, prefix: `w${w}`, count, catalogPollers: share, app: APP, instances: INSTANCES } satisfies StartMessage);
    }
    let reportedAt = Date.now();
    let reportedCount = 0;
    // Every worker's latency samples since the last flush, merged.
    const flush = async (): Promise<LatencySamples> => {
      flushed = [];
      for (const child of children) child.send({ type: 'flush' } satisfies FlushMessage);
      while (flushed.length < children.length) await sleep(20);
      const merged: LatencySamples = { register: [], heartbeat: [], firstPoll: [], pollLate: [] };
      // concat, not push(...): a spread of 100,000 samples overflows the stack.
      for (const part of flushed) for (const key of Object.keys(merged) as (keyof LatencySamples)[]) merged[key] = merged[key].concat(part[key]);
      return merged;
    };
    const registerDeadline = started + Number(values['register-timeout-s']) * 1000;
    let registerRss = 0;
    while (registered < agents) {
      await sleep(200);
      registerRss = Math.max(registerRss, await rssMiB(serverPid));
      if (Date.now() > registerDeadline) {
        const samples = await flush();
        const result = { agents, registered, registerMs: Date.now() - started, registration: latencies(samples), registerRssMiB: registerRss, unfinished: true };
        log(`registration did not finish: ${registered} of ${agents} after ${(result.registerMs / 1000).toFixed(0)} s`);
        if (!values.json) printRegistration(result);
        return result;
      }
      if (Date.now() - reportedAt >= 10_000) {
        const rate = ((registered - reportedCount) * 1000) / (Date.now() - reportedAt);
        log(`${registered} registered after ${((Date.now() - started) / 1000).toFixed(0)} s (${rate.toFixed(0)}/s lately), server RSS ${await rssMiB(serverPid)} MiB`);
        reportedAt = Date.now();
        reportedCount = registered;
      }
    }
    log(`open-file limit ${limit}: ${catalogPollers} of ${agents} agents also poll the catalog`);
    const registerMs = Date.now() - started;
    log(`${agents} agents registered in ${(registerMs / 1000).toFixed(1)} s; idle baseline for ${idleMs / 1000} s`);
    const registration = latencies(await flush());

    const idle = await measure(url, serverPid, idleMs, () => false);
    const idleCalls = latencies(await flush());
    if (values['heap-snapshot-dir']) {
      process.kill(serverPid, 'SIGUSR2');
      log(`heap snapshot asked for (written to ${values['heap-snapshot-dir']})`);
    }
    const deployedAt = Date.now();
    const deploy = await httpCall(url, token, 'POST', '/v1/deploy', { task: TASK });
    if (deploy.status !== 201) throw new Error(`deploy answered ${deploy.status}: ${deploy.body}`);
    const catalogAgents = () => [...catalog.values()].reduce((sum, c) => sum + c.agents, 0);
    const during = await measure(url, serverPid, 120_000, () => assigned.length >= INSTANCES && catalogAgents() >= catalogPollers);
    await sleep(500); // the workers' last catalog count
    const lastCatalog = Math.max(...[...catalog.values()].map((c) => c.last));
    const result = {
      agents,
      registered,
      registerMs,
      registration,
      registerRssMiB: registerRss,
      idleCalls,
      assignmentsMs: assigned.length >= INSTANCES ? Math.max(...assigned) - deployedAt : null,
      catalogPollers,
      catalogMs: catalogAgents() >= catalogPollers ? lastCatalog - deployedAt : null,
      catalogAgents: catalogAgents(),
      idle: { health: idle.health, rssMiB: idle.rssMiB, cpuPercent: idle.cpuPercent },
      deploy: { health: during.health, rssMiB: during.rssMiB, cpuPercent: during.cpuPercent },
      errors: [...errors.values()].reduce((sum, e) => sum + e.count, 0),
      errorSample: [...errors.values()].find((e) => e.count > 0)?.sample ?? '',
    };
    if (!values.json) printResult(result);
    return result;
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await server.stop(values['cpu-prof-dir'] ? 60_000 : undefined);
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** p50/p99 per call kind. */
function latencies(samples: LatencySamples) {
  return {
    register: summarizeLatencies(samples.register),
    heartbeat: summarizeLatencies(samples.heartbeat),
    firstPoll: summarizeLatencies(samples.firstPoll),
    pollLate: summarizeLatencies(samples.pollLate),
  };
}

type Latencies = ReturnType<typeof latencies>;

function printRegistration(r: { agents: number; registered: number; registerMs: number; registration: Latencies; registerRssMiB: number }) {
  const s = r.registerMs / 1000;
  process.stdout.write(
    [
      `${r.agents.toLocaleString('en')} agents: ${r.registered.toLocaleString('en')} registered in ${s.toFixed(1)} s (${((1000 * s) / Math.max(1, r.registered)).toFixed(2)} ms per agent), server RSS up to ${r.registerRssMiB} MiB`,
      `  while registering: ${formatCalls(r.registration)}`,
      '',
    ].join('\n'),
  );
}

function formatCalls(l: Latencies): string {
  const one = (name: string, v: ReturnType<typeof summarizeLatencies>) => (v.n === 0 ? '' : `${name} p50 ${v.p50.toFixed(1)} / p99 ${v.p99.toFixed(1)} ms (${v.n})`);
  return [one('register', l.register), one('heartbeat', l.heartbeat), one('first poll', l.firstPoll), one('poll timeout late', l.pollLate)].filter(Boolean).join(', ');
}

function profileFlags(): string[] {
  const flags: string[] = [];
  if (values['cpu-prof-dir']) flags.push('--cpu-prof', `--cpu-prof-dir=${values['cpu-prof-dir']}`);
  if (values['heap-snapshot-dir']) flags.push('--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${values['heap-snapshot-dir']}`);
  return flags;
}

/** Health pings every 10 ms (one at a time, own keep-alive connection) and RSS samples, until `done` or `maxMs`. */
async function measure(url: string, pid: number, maxMs: number, done: () => boolean) {
  const health: number[] = [];
  let rss = 0;
  const cpu0 = await cpuMs(pid);
  const wall0 = Date.now();
  const end = Date.now() + maxMs;
  let sampledAt = 0;
  while (Date.now() < end && !done()) {
    const t0 = performance.now();
    await httpCall(url, '', 'GET', '/v1/health');
    health.push(performance.now() - t0);
    if (Date.now() - sampledAt > 100) {
      sampledAt = Date.now();
      rss = Math.max(rss, await rssMiB(pid));
    }
    await sleep(10);
  }
  const cpu = Math.round((100 * ((await cpuMs(pid)) - cpu0)) / Math.max(1, Date.now() - wall0));
  return { health: summarizeLatencies(health), rssMiB: rss, cpuPercent: cpu };
}

/** The process's user + system CPU time so far (clock ticks of 10 ms). */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kib / 1024);
}

async function openFileLimit(): Promise<number> {
  const limits = await readFile('/proc/self/limits', 'utf8');
  return Number(/Max open files\s+(\d+)/.exec(limits)?.[1] ?? 1024);
}

function httpCall(url: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = {};
    if (token) headers['authorization'] = `Bearer ${token}`;
    if (text !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    const req = request(new URL(path, url), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

function printResult(r: {
  agents: number;
  registered: number;
  registerMs: number;
  registration: Latencies;
  registerRssMiB: number;
  idleCalls: Latencies;
  assignmentsMs: number | null;
  catalogMs: number | null;
  catalogPollers: number;
  catalogAgents: number;
  idle: { health: ReturnType<typeof summarizeLatencies>; rssMiB: number; cpuPercent: number };
  deploy: { health: ReturnType<typeof summarizeLatencies>; rssMiB: number; cpuPercent: number };
  errors: number;
  errorSample: string;
}) {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  printRegistration(r);
  process.stdout.write(
    [
      `  idle agents: ${formatCalls(r.idleCalls)}`,
      `  deploy → 3 placed agents have their assignments: ${r.assignmentsMs ?? 'not all'} ms`,
      `  deploy → all ${r.catalogPollers.toLocaleString('en')} catalog pollers have the catalog with the 3 instances: ${r.catalogMs ?? `not all (${r.catalogAgents})`} ms`,
      `  /v1/health idle:   p50 ${ms(r.idle.health.p50)}  p99 ${ms(r.idle.health.p99)}  (${r.idle.health.n} pings)  server RSS ${r.idle.rssMiB} MiB, CPU ${r.idle.cpuPercent} %`,
      `  /v1/health deploy: p50 ${ms(r.deploy.health.p50)}  p99 ${ms(r.deploy.health.p99)}  max ${ms(r.deploy.health.max)}  (${r.deploy.health.n} pings)  server RSS ${r.deploy.rssMiB} MiB, CPU ${r.deploy.cpuPercent} %`,
      `  p99 ratio deploy/idle: ${(r.deploy.health.p99 / r.idle.health.p99).toFixed(2)}  errors seen by agents: ${r.errors}${r.errorSample ? ` (${r.errorSample})` : ''}`,
      '',
    ].join('\n'),
  );
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}
