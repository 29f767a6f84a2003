import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_CORE_OPTIONS } from '../../src/core/core-context.js';
import { DEFAULT_REPLACE_AFTER_MS } from '../../src/domain/replace-after-ms.js';
import { parseDurationMs } from '../../src/taskfile/parse-duration.js';
import { ClusterHarness } from '../../test/support/cluster-harness.js';
import { startLoad } from '../../test/support/load-generator.js';
import { waitFor } from '../../test/support/server-process.js';
import { FAILOVER_GOAL_MS, type FailoverFigures, failoverFigures } from './failover-figures.js';
import { lbUpstreams } from '../../test/support/lb-upstreams.js';

// npm run bench:failover -- [--json] [--only defaults|tuned] [--tuned-ttl 5s] [--tuned-replace-after 0s]
// As root; needs runc, umoci, skopeo, docker-registry, nginx, nftables, iproute2 and a built CLI
// (`npm run build`). Takes the e2e lock's place: run it under `flock /tmp/bubo-e2e.lock`.

const fail = (message: string): never => {
  console.error(`bench:failover: ${message}`);
  process.exit(1);
};

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    only: { type: 'string' },
    'tuned-ttl': { type: 'string', default: '5s' },
    'tuned-replace-after': { type: 'string', default: '0s' },
  },
});
if (values.only !== undefined && values.only !== 'defaults' && values.only !== 'tuned') fail(`--only must be "defaults" or "tuned", got "${values.only}"`);
const duration = (name: string, text: string): number => {
  try {
    return parseDurationMs(text);
  } catch (error) {
    return fail(`--${name} "${text}": ${(error as Error).message}`);
  }
};
const tunedTtl = values['tuned-ttl'];
const tunedTtlMs = duration('tuned-ttl', tunedTtl);
if (tunedTtlMs < 1_000) fail(`--tuned-ttl "${tunedTtl}" must be at least 1s`);
const tunedReplaceAfter = values['tuned-replace-after'];
const tunedReplaceAfterMs = duration('tuned-replace-after', tunedReplaceAfter);
if (process.getuid?.() !== 0) fail('must run as root (network namespaces, runc, nftables)');
await readFile(new URL('../../dist/cli/main.js', import.meta.url)).catch(() => fail('no built CLI: run `npm run build` first'));

/** The server's default `--host-ttl`. */
const DEFAULT_HOST_TTL_MS = DEFAULT_CORE_OPTIONS.hostTtlMs;
const PUBLIC_HOST = 'failover-bench.example.com';
const log = (line: string) => {
  if (!values.json) console.log(line);
};

interface Scenario {
  name: 'defaults' | 'tuned';
  /** `--host-ttl` of the server, or none (its default). */
  hostTtl: string | null;
  /** `[placement] replace_after` of the task, or none (its default). */
  replaceAfter: string | null;
  hostTtlMs: number;
  replaceAfterMs: number;
}

const scenarios: Scenario[] = [
  { name: 'defaults', hostTtl: null, replaceAfter: null, hostTtlMs: DEFAULT_HOST_TTL_MS, replaceAfterMs: DEFAULT_REPLACE_AFTER_MS },
  { name: 'tuned', hostTtl: tunedTtl, replaceAfter: tunedReplaceAfter, hostTtlMs: tunedTtlMs, replaceAfterMs: tunedReplaceAfterMs },
].filter((s) => values.only === undefined || s.name === values.only) as Scenario[];

function task(image: string, group: string, replaceAfter: string | null): string {
  const placement = replaceAfter === null ? '' : `[placement]\nreplace_after = "${replaceAfter}"\n\n`;
  return `app = "web"\ngroup = "${group}"\ncount = 3\nruntime = "container"\n\n${placement}[resources]\ncpus = 0.2\nmemory = "32MiB"\ndisk = "32MiB"\n\n[[containers]]\nname = "web"\nimage = "${image}"\n\n[[ports]]\nname = "http"\nport = 80\npublic = { host = "${PUBLIC_HOST}" }\n\n[check]\nhttp = { port = "http", path = "/healthz", expect = "ok" }\ninterval = "1s"\ntimeout = "800ms"\n`;
}

interface Result extends FailoverFigures {
  scenario: Scenario['name'];
  replaced_on: string;
  requests: number;
  failed_requests: number;
}

/**
 * One failover in a fresh 3-host cluster (host 3 is the lb): web count 3, one per host, steady
 * load through the lb; pull host 2's cable and time, from that moment, the server marking it
 * down, the replacement placed, healthy, and in the lb's configuration in effect.
 */
async function measure(scenario: Scenario): Promise<Result> {
  const cluster = new ClusterHarness({ hosts: 3, lbHosts: [3], group: 'fb', serverArgs: scenario.hostTtl ? ['--host-ttl', scenario.hostTtl] : [] });
  const stop = () => cluster.destroy().then(() => cluster.removeDir());
  const onSignal = () => void stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  try {
    log(`${scenario.name}: starting 3 hosts…`);
    await cluster.start();
    const app = { namespace: 'default', app: 'web' };
    await cluster.client.call('deploy', { body: { task: task(cluster.images.httpdV1, cluster.group, scenario.replaceAfter) } });
    const serving = async () =>
      (await cluster.client.call('getApp', { params: app })).instances.filter((i) => i.desired === 'run' && i.state === 'running' && i.health === 'healthy');
    const before = await waitFor('3 healthy web instances', async () => {
      const list = await serving();
      return list.length === 3 && list;
    }, 120_000);
    if (new Set(before.map((i) => i.host)).size !== 3) throw new Error(`web is not spread over the three hosts: ${before.map((i) => i.host).join(', ')}`);
    const lbDir = cluster.hosts[2]!.stateDir;
    await waitFor('the lb to serve all three', async () => (await lbUpstreams(lbDir))?.length === 3, 30_000);
    const old = before.find((i) => i.host === 'host-2')!;
    const load = startLoad({ url: `http://${cluster.hostAddress(3)}/`, host: PUBLIC_HOST, rps: 20, workers: 4, mode: 'close' });
    await waitFor('load flowing', async () => load.report().ok >= 20, 20_000);

    log(`${scenario.name}: pulling host 2's cable…`);
    const cut = Date.now();
    await cluster.setLink(2, false);
    const limit = scenario.hostTtlMs + scenario.replaceAfterMs + 120_000;
    const down = waitFor('host 2 down', async () => (await cluster.client.call('listHosts', {})).hosts.find((h) => h.name === 'host-2')?.status === 'down' && Date.now(), limit);
    const replacement = () => cluster.client.call('getApp', { params: app }).then((s) => s.instances.find((i) => i.slot === old.slot && i.id !== old.id && i.desired === 'run'));
    const placed = waitFor('a replacement placed', async () => (await replacement()) && Date.now(), limit);
    const healthy = waitFor('the replacement healthy', async () => {
      const r = await replacement();
      return r?.state === 'running' && r.health === 'healthy' && { at: Date.now(), instance: r };
    }, limit);
    const { instance } = await healthy;
    const servingAt = await waitFor('the lb to serve the replacement', async () => (await lbUpstreams(lbDir))?.includes(instance.address!) && Date.now(), 60_000);
    const report = await load.stop();
    const figures = failoverFigures({ cut, down: await down, placed: await placed, healthy: (await healthy).at, serving: servingAt }, scenario.hostTtlMs, scenario.replaceAfterMs);
    return { scenario: scenario.name, ...figures, replaced_on: instance.host, requests: report.requests, failed_requests: report.failed };
  } finally {
    await cluster.setLink(2, true).catch(() => {});
    await cluster.destroy();
    const left = await cluster.leftovers();
    if (left.length > 0) console.error(`bench:failover: left behind: ${left.join('; ')}`);
    await cluster.removeDir();
    process.off('SIGINT', onSignal);
  }
}

const results: Result[] = [];
for (const scenario of scenarios) results.push(await measure(scenario));

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
if (values.json) {
  console.log(JSON.stringify({ goal_ms: FAILOVER_GOAL_MS, results }, null, 2));
} else {
  console.log('');
  console.log('| settings | host TTL | replace_after | down | placed | healthy | serving through the lb | ratio to TTL | goal < 20 s | failed requests |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const settings = r.scenario === 'defaults' ? 'defaults' : `--host-ttl ${tunedTtl}, replace_after "${tunedReplaceAfter}"`;
    console.log(
      `| ${settings} | ${s(r.host_ttl_ms)} | ${s(r.replace_after_ms)} | ${s(r.down_ms)} | ${s(r.placed_ms)} | ${s(r.healthy_ms)} | **${s(r.total_ms)}** | ${r.ratio_to_ttl} | ${r.meets_goal ? 'met' : 'NOT met'} | ${r.failed_requests} of ${r.requests} |`,
    );
  }
  const defaults = results.find((r) => r.scenario === 'defaults');
  if (defaults && !defaults.meets_goal) {
    console.log(
      `\nWith the defaults the goal is not met: the host TTL (${s(defaults.host_ttl_ms)}) and replace_after (${s(defaults.replace_after_ms)}) alone add up to ${s(defaults.host_ttl_ms + defaults.replace_after_ms)}.`,
    );
  }
}
