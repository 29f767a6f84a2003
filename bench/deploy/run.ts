import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { ApiClient } from '../../src/client/api-client.js';
import { parseTaskFile } from '../../src/taskfile/parse-task-file.js';
import { AgentProcess } from '../../test/support/agent-process.js';
import { cleanupAgentState } from '../../test/support/cleanup-agent-state.js';
import { startRegistry } from '../../test/support/registry.js';
import { freePort, ServerProcess, waitFor } from '../../test/support/server-process.js';
import { pushTestImages } from '../../test/support/test-images.js';
import { ByHandDeploy } from './by-hand-deploy.js';
import { deployTask } from './deploy-task.js';
import { buboTimeline, type DeployTimeline, type TimedEvent } from './deploy-timeline.js';
import { type LbObserver, nowMs, startLbObserver } from './lb-observer.js';
import { servingTimeline } from './serving-timeline.js';
import { type DeployFigures, median, medianFigures, type Strategy, summarizeDeploy } from './summarize-deploy.js';

// npm run bench:deploy -- [--rounds N] [--count N] [--quick] [--stop-timeout DURATION] [--json]
// As root; needs runc, umoci, skopeo, docker-registry, nginx, nftables, iproute2 and a built CLI
// (`npm run build`: the server and agent run as `bin/bubo.js`, as a sysadmin would run them).

/** A user's mistake or a missing tool: one line, no stack trace. */
const fail = (message: string): never => {
  console.error(`bench:deploy: ${message}`);
  process.exit(1);
};

const { values } = parseArgs({
  options: {
    rounds: { type: 'string' },
    count: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    'stop-timeout': { type: 'string', default: '200ms' },
    json: { type: 'boolean', default: false },
  },
});
const positive = (name: string, raw: string): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) fail(`--${name} must be a positive integer, got "${raw}"`);
  return n;
};
const rounds = positive('rounds', values.rounds ?? (values.quick ? '1' : '3'));
const count = positive('count', values.count);
if (count > 3) fail(`--count must be at most 3: the one agent's host offers 2 CPUs and each instance asks for 0.3 and blue-green runs two full sets, got ${count}`);
if (process.getuid?.() !== 0) fail('must run as root (runc, network namespaces, nftables)');
await readFile(new URL('../../dist/cli/main.js', import.meta.url)).catch(() => fail('no built CLI: run `npm run build` first'));

const run = promisify(execFile);
const HOST = 'bd.example.com';
/** Consecutive new-version answers through the load balancer that say the old ones are gone. */
const STREAK = 20;
const tag = process.pid % 100000;
const log = (line: string) => {
  if (!values.json) console.log(line);
};

// Cleanup runs once, in reverse order of setup, at the end or on Ctrl-C.
const undo: (() => Promise<unknown>)[] = [];
let cleaning: Promise<void> | undefined;
const cleanUp = () =>
  (cleaning ??= (async () => {
    for (const step of undo.reverse()) await step().catch((error) => console.error(`bench:deploy: cleanup: ${(error as Error).message}`));
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`bench:deploy: ${signal}, cleaning up…`);
    void cleanUp().finally(() => process.exit(130));
  });
}

const dir = await mkdtemp(join(tmpdir(), 'bubo-bench-deploy-'));
undo.push(() => rm(dir, { recursive: true, force: true }));

try {
  // A real registry with the busybox httpd test images (built from Debian packages, cached).
  log('starting a registry and pushing the test images…');
  const registry = await startRegistry();
  undo.push(() => registry.stop());
  const images = await pushTestImages(registry);
  const imageFor = (n: number) => (n % 2 === 1 ? images.httpdV1 : images.httpdV2);

  // bubo: a server and one agent with the runc runtime and the lb role, as processes.
  log('starting bubo server and agent…');
  const server = new ServerProcess(join(dir, 'server'), await freePort(), ['--cluster-cidr', '10.223.0.0/16']);
  undo.push(() => server.stop());
  await server.start();
  const token = (await readFile(join(dir, 'server', 'admin.token'), 'utf8')).trim();
  const client = new ApiClient({ baseUrl: server.url, token });
  const buboLbPort = await freePort();
  const agentDir = join(dir, 'agent');
  const bridge = `bbd${tag}`;
  const agent = new AgentProcess(
    ['--server', server.url, '--group', 'bd', '--name', 'bd1', '--state-dir', agentDir, '--bridge', bridge, '--address', '127.0.0.1', '--runtime', 'runc', '--role', 'lb', '--lb-listen', '127.0.0.1', '--lb-port', `80=${buboLbPort}`, '--agent-listen', '127.0.0.1:0'],
    { BUBO_TOKEN: token },
  );
  undo.push(async () => {
    await agent.signal('SIGTERM');
    // The agent leaves NGINX and its instances running (re-adopted on restart): stop them here.
    await run('/usr/sbin/nginx', ['-p', join(agentDir, 'lb'), '-c', join(agentDir, 'lb', 'nginx.conf'), '-s', 'quit']).catch(() => {});
    await cleanupAgentState(agentDir, bridge);
  });
  await agent.start();

  // The baseline: the same pieces called directly, on a bridge and subnet of its own.
  const handSubnet = '10.223.250.0/24';
  const handBridge = `bbh${tag}`;
  const cgroupParent = `/bubo-bench-deploy-${tag}`;
  const byHand = new ByHandDeploy({ dir: join(dir, 'by-hand'), bridge: handBridge, subnet: handSubnet, cgroupParent, netnsPrefix: `bbh${tag}-`, lbPort: await freePort(), host: HOST });
  undo.push(async () => {
    await byHand.close();
    await run('ip', ['link', 'del', handBridge]).catch(() => {});
    for (const controller of await readdir('/sys/fs/cgroup').catch(() => [] as string[])) await rmdir(join('/sys/fs/cgroup', controller, cgroupParent)).catch(() => {});
    // bubo's nftables tables are one per machine: remove them only while they hold nothing but this run's subnets.
    const table = (await run('nft', ['list', 'table', 'ip', 'bubo']).catch(() => ({ stdout: '' }))).stdout;
    const subnets = new Set(table.match(/\d+\.\d+\.\d+\.\d+\/\d+/g) ?? []);
    const ours = [...subnets].every((s) => s === handSubnet || s.startsWith('10.223.'));
    if (table && ours) {
      await run('nft', ['delete', 'table', 'ip', 'bubo']).catch(() => {});
      await run('nft', ['delete', 'table', 'bridge', 'bubo']).catch(() => {});
    }
  });

  type Round = DeployFigures & { timeline: DeployTimeline };
  let eventCursor = 0;
  const newEvents = async (): Promise<(TimedEvent & { id: number })[]> => {
    const { events } = await client.call('listEvents', { query: { after: eventCursor, limit: 1000 } });
    if (events.length === 1000) throw new Error('more than 1000 events in one deploy: cannot read its timeline');
    eventCursor = events.at(-1)?.id ?? eventCursor;
    return events.filter((e) => e.app === 'default/bd').map((e) => ({ id: e.id, at: Date.parse(e.at), kind: e.kind, message: e.message, data: e.data }));
  };

  /** Watches the load balancer from a moment before `act` until every answer is `version`. */
  async function observed<T>(lbPort: number, version: string, act: () => Promise<T>): Promise<{ calledAt: number; result: T; observer: LbObserver }> {
    const observer = startLbObserver({ port: lbPort, host: HOST });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const calledAt = nowMs();
      const result = await act();
      // Every new instance answered (the "all new instances serving"), and the last
      // STREAK answers were all new (the old ones are out).
      await waitFor(
        `every new instance serving and ${STREAK} answers of v${version} in a row through the load balancer`,
        async () => {
          const serving = servingTimeline(observer.samples, { since: calledAt, version, streak: STREAK });
          return serving.allNewAt !== null && serving.newInstances.size >= count;
        },
        30_000,
      );
      return { calledAt, result, observer };
    } finally {
      await observer.stop();
    }
  }

  async function buboDeploy(n: number, strategy: Strategy): Promise<Round> {
    const version = `${n}`;
    await newEvents();
    const { calledAt, result: deployment, observer } = await observed(buboLbPort, version, async () => {
      const { deployment } = await client.call('deploy', { body: { task: deployTask({ image: imageFor(n), version, strategy, count, host: HOST, stopTimeout: values['stop-timeout'] }) } });
      let d = deployment;
      const deadline = Date.now() + 90_000;
      while (d.status === 'running' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        d = await client.call('getDeployment', { params: { id: d.id } });
      }
      if (d.status !== 'succeeded') throw new Error(`bubo deployment of release ${d.to_release} ended ${d.status}: ${d.message}`);
      return d;
    });
    const events = await newEvents();
    const timeline = buboTimeline({ calledAt, release: deployment.to_release, events, serving: servingTimeline(observer.samples, { since: calledAt, version, streak: STREAK }) });
    return { ...summarizeDeploy(timeline), timeline };
  }

  async function byHandDeploy(n: number, strategy: Strategy): Promise<Round> {
    const version = `${n}`;
    const spec = parseTaskFile(deployTask({ image: imageFor(n), version, strategy, count, host: HOST, stopTimeout: values['stop-timeout'] }));
    const { calledAt, result, observer } = await observed(byHand.o.lbPort, version, () => byHand.deploy(spec, strategy));
    const serving = servingTimeline(observer.samples, { since: calledAt, version, streak: STREAK });
    const created = result.created.map((c) => {
      const servedAt = serving.firstSeen.get(c.id);
      if (servedAt === undefined) throw new Error(`baseline: no answer from ${c.id} through its nginx`);
      return { ...c, servedAt };
    });
    const endAt = Math.max(serving.allNewAt!, ...created.map((c) => c.servedAt), ...result.stopped.map((s) => s.stoppedAt));
    const timeline = { calledAt, endAt, created, stopped: result.stopped };
    return { ...summarizeDeploy(timeline), timeline };
  }

  // Untimed: a first release on both sides, then one replacement (pulls the second image into
  // each side's cache, warms both up), so every timed round finds both images cached.
  let n = 0;
  log('untimed: first release and one warm-up replacement on each side…');
  for (const strategy of ['rolling', 'rolling'] as const) {
    n++;
    await buboDeploy(n, strategy);
    await byHand.deploy(parseTaskFile(deployTask({ image: imageFor(n), version: `${n}`, strategy, count, host: HOST, stopTimeout: values['stop-timeout'] })), strategy);
  }

  const results: Record<Strategy, { bubo: Round[]; baseline: Round[] }> = { rolling: { bubo: [], baseline: [] }, 'blue-green': { bubo: [], baseline: [] } };
  const plan: Strategy[] = [...Array.from({ length: rounds }, () => 'rolling' as const), 'blue-green'];
  for (const [r, strategy] of plan.entries()) {
    n++;
    // Alternate who goes first, so neither always runs on the fresher machine.
    const sides = r % 2 === 0 ? (['bubo', 'baseline'] as const) : (['baseline', 'bubo'] as const);
    for (const side of sides) {
      const round = side === 'bubo' ? await buboDeploy(n, strategy) : await byHandDeploy(n, strategy);
      results[strategy][side].push(round);
      const restarts = round.timeline.restarts ? ` (${round.timeline.restarts} restart(s) after failed health checks!)` : '';
      log(`${strategy} round ${results[strategy][side].length}, ${side}: ${(round.total / 1000).toFixed(2)} s, minus health checks ${(round.net / 1000).toFixed(2)} s${restarts}`);
    }
  }

  const summary = Object.fromEntries(
    (['rolling', 'blue-green'] as const).map((s) => {
      const { bubo, baseline } = results[s];
      const ratios = bubo.map((b, i) => ({ net: b.net / baseline[i]!.net, total: b.total / baseline[i]!.total }));
      return [
        s,
        {
          rounds: bubo.length,
          bubo: medianFigures(bubo),
          baseline: medianFigures(baseline),
          ratio_net: median(ratios.map((r) => r.net)),
          ratio_total: median(ratios.map((r) => r.total)),
        },
      ];
    }),
  ) as Record<Strategy, { rounds: number; bubo: DeployFigures; baseline: DeployFigures; ratio_net: number; ratio_total: number }>;

  if (values.json) {
    // Each round with its timeline in ms from the deploy call, to see where the time went.
    const relative = ({ timeline: t, ...figures }: Round) => ({
      ...figures,
      restarts: t.restarts ?? 0,
      end: t.endAt - t.calledAt,
      created: t.created.map((c) => ({ id: c.id, placed: c.placedAt - t.calledAt, running: c.runningAt - t.calledAt, healthy: c.healthyAt - t.calledAt, served: c.servedAt - t.calledAt })),
      stopped: t.stopped.map((o) => ({ id: o.id, stopping: o.stoppingAt - t.calledAt, stopped: o.stoppedAt - t.calledAt })),
    });
    const everyRound = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { bubo: v.bubo.map(relative), baseline: v.baseline.map(relative) }]));
    // Times are in ms; microseconds of precision are noise here.
    const rounded = (_: string, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v);
    console.log(JSON.stringify({ date: new Date().toISOString(), count, streak: STREAK, summary, rounds: everyRound }, rounded, 2));
  } else {
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`.padStart(9);
    const rows: [string, keyof DeployFigures][] = [
      ['total: deploy call → all new serving, deployment done', 'total'],
      ['  minus health checks (compared)', 'net'],
      ['  subtracted: waiting on health checks only', 'health'],
      ['  deploy call → first placement', 'placement'],
      ['  a new instance starting (placed → running)', 'start'],
      ['  healthy → first answer through the LB', 'lbSwitch'],
      ['  an old instance stopping', 'oldStopped'],
      ['  rest: waits between steps', 'rest'],
    ];
    for (const strategy of ['rolling', 'blue-green'] as const) {
      const r = summary[strategy];
      console.log(`\n${strategy}, ${count} instances, ${r.rounds} round(s), medians${' '.repeat(12)}${'bubo'.padStart(9)} ${'by hand'.padStart(9)}`);
      for (const [label, key] of rows) console.log(`${label.padEnd(54)} ${s(r.bubo[key])} ${s(r.baseline[key])}`);
      console.log(`ratio bubo/by hand (median of per-round ratios): minus health checks ${r.ratio_net.toFixed(2)}, total ${r.ratio_total.toFixed(2)}`);
    }
  }
} catch (error) {
  console.error(`bench:deploy: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;

} finally {
  await cleanUp();
}
