import { existsSync, mkdtempSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ClusterHarness } from '../../test/support/cluster-harness.js';
import { lbUpstreams } from '../../test/support/lb-upstreams.js';
import { startLoad } from '../../test/support/load-generator.js';
import { waitFor } from '../../test/support/server-process.js';

// npm run bench:maintain -- [--json] [--hosts 3]
// As root; needs runc, umoci, skopeo, docker-registry, nginx, nftables, iproute2 and a built CLI
// (`npm run build`). Takes the e2e lock's place: run it under `flock /tmp/bubo-e2e.lock`.

const fail = (message: string): never => {
  console.error(`bench:maintain: ${message}`);
  process.exit(1);
};

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, hosts: { type: 'string', default: '3' } } });
const n = Number(values.hosts);
if (!Number.isInteger(n) || n < 2 || n > 6) fail(`--hosts must be a whole number from 2 to 6, got "${values.hosts}"`);
if (process.getuid?.() !== 0) fail('must run as root (network namespaces, runc, nftables)');
await readFile(new URL('../../dist/cli/main.js', import.meta.url)).catch(() => fail('no built CLI: run `npm run build` first'));

const PUBLIC_HOST = 'maintain-bench.example.com';
const APP = { namespace: 'default', app: 'web' };
const log = (line: string) => {
  if (!values.json) console.log(line);
};

function task(image: string, group: string): string {
  return `app = "web"\ngroup = "${group}"\ncount = ${n}\nruntime = "container"\n\n[availability]\nmin_serving = ${n - 1}\n\n[resources]\ncpus = 0.2\nmemory = "32MiB"\ndisk = "32MiB"\n\n[[containers]]\nname = "web"\nimage = "${image}"\n\n[[ports]]\nname = "http"\nport = 80\npublic = { host = "${PUBLIC_HOST}" }\n\n[check]\nhttp = { port = "http", path = "/healthz", expect = "ok" }\ninterval = "500ms"\ntimeout = "400ms"\n\n[deploy]\ndrain_delay = "1s"\n`;
}

/**
 * N hosts of one group maintained (drain, patch, reboot, back, uncordon, instances back) under
 * load through a load balancer on one more host: once step by step by hand through the API, as
 * a sysadmin with `bubo host drain`/`uncordon` would, polling every 100 ms, and once as one
 * `bubo op start maintain --batch 1 --run patch --reboot`. The ratio is the operation's time over
 * the sum of the by-hand hosts': what the engine's bookkeeping (1 s ticks, the post-checks, the
 * settle wait) costs or saves against a human who never hesitates.
 */
const dir = mkdtempSync(join(tmpdir(), 'bubo-maintain-bench-'));
const marker = (h: number, what: string) => join(dir, `host-${h}.${what}`);
const cluster = new ClusterHarness({
  hosts: n + 1,
  lbHosts: [n + 1],
  group: 'mb',
  serverArgs: ['--host-ttl', '8s'],
  // The load balancer host is not maintained here: no maintenance file.
  agentArgs: (h) => (h <= n ? ['--maintenance', join(dir, `maintenance-${h}.toml`)] : []),
});
const targets = Array.from({ length: n }, (_, i) => i + 1);
let rebooter: NodeJS.Timeout | undefined;
const stop = async () => {
  clearInterval(rebooter);
  await cluster.destroy();
  const left = await cluster.leftovers();
  if (left.length > 0) console.error(`bench:maintain: left behind: ${left.join('; ')}`);
  await cluster.removeDir();
  await rm(dir, { recursive: true, force: true });
};
process.once('SIGINT', () => void stop().finally(() => process.exit(130)));

const serving = async () =>
  (await cluster.client.call('getApp', { params: APP })).instances.filter((i) => i.desired === 'run' && i.state === 'running' && i.health === 'healthy').length;
const hostView = async (h: number) => (await cluster.client.call('listHosts', {})).hosts.find((x) => x.name === `host-${h}`)!;

/** The patch by hand: the same command the agents' maintenance file names. */
const patchCommand = (h: number) => `echo patched >> ${marker(h, 'patched')}`;

try {
  for (const h of targets) {
    await writeFile(
      join(dir, `maintenance-${h}.toml`),
      `[commands.patch]\nargv = ["/bin/sh", "-c", ${JSON.stringify(patchCommand(h))}]\n\n[reboot]\nargv = ["/usr/bin/touch", ${JSON.stringify(marker(h, 'reboot-request'))}]\n`,
    );
  }
  log(`starting ${n + 1} hosts…`);
  await cluster.start();
  await cluster.client.call('deploy', { body: { task: task(cluster.images.httpdV1, cluster.group) } });
  await waitFor(`${n} healthy web instances`, async () => (await serving()) === n, 120_000);
  await waitFor('the load balancer to serve them all', async () => (await lbUpstreams(cluster.hosts[n]!.stateDir))?.length === n, 30_000);
  // A host asking for a reboot gets one (the operation's reboot step).
  let busy = false;
  rebooter = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      for (const h of targets) {
        if (!existsSync(marker(h, 'reboot-request'))) continue;
        await rm(marker(h, 'reboot-request'), { force: true });
        await cluster.reboot(h);
      }
    })().finally(() => {
      busy = false;
    });
  }, 100);
  const load = startLoad({ url: `http://${cluster.hostAddress(n + 1)}/`, host: PUBLIC_HOST, rps: 20, workers: 4, mode: 'close', timeoutMs: 5_000 });
  await waitFor('load flowing', async () => load.report().ok >= 20, 20_000);

  log('by hand: drain, patch, reboot, uncordon, host by host…');
  const byHand: { host: string; ms: number }[] = [];
  for (const h of targets) {
    const started = Date.now();
    await cluster.client.call('drainHost', { params: { host: `host-${h}` } });
    await waitFor(`host-${h} drained`, async () => (await hostView(h)).instances === 0, 300_000);
    await cluster.inHost(h, ['/bin/sh', '-c', patchCommand(h)]);
    const rebootAt = Date.now();
    await cluster.reboot(h);
    await waitFor(`host-${h} back`, async () => {
      const v = await hostView(h);
      return v.status === 'ready' && Date.parse(v.last_heartbeat_at) > rebootAt;
    }, 300_000);
    await cluster.client.call('uncordonHost', { params: { host: `host-${h}` } });
    await waitFor(`${n} healthy web instances`, async () => (await serving()) === n, 300_000);
    byHand.push({ host: `host-${h}`, ms: Date.now() - started });
  }
  const handReport = await load.stop();

  log('as an operation: bubo op start maintain --batch 1 --run patch --reboot…');
  const load2 = startLoad({ url: `http://${cluster.hostAddress(n + 1)}/`, host: PUBLIC_HOST, rps: 20, workers: 4, mode: 'close', timeoutMs: 5_000 });
  await waitFor('load flowing', async () => load2.report().ok >= 20, 20_000);
  const opStarted = Date.now();
  const op = await cluster.client.call('startOperation', {
    body: { kind: 'maintain', group: cluster.group, hosts: targets.map((h) => `host-${h}`), batch: '1', run: 'patch', reboot: true },
  });
  const done = await waitFor('the operation to end', async () => {
    const view = await cluster.client.call('getOperation', { params: { id: op.id } });
    return view.status !== 'running' && view;
  }, 900_000);
  const opMs = Date.now() - opStarted;
  const opReport = await load2.stop();
  if (done.status !== 'done') fail(`the operation ended ${done.status}: ${done.message}`);

  const handMs = byHand.reduce((sum, x) => sum + x.ms, 0);
  // Where the operation's time went: each log entry closes a step (all batches summed).
  const steps: Record<string, number> = {};
  const at = (x: { at: string }) => Date.parse(x.at);
  let previous = done.log[0] ? at(done.log[0]) : opStarted;
  for (const entry of done.log) {
    if (entry.step !== 'operation') steps[entry.step] = (steps[entry.step] ?? 0) + (at(entry) - previous);
    previous = at(entry);
  }
  const result = {
    hosts: n,
    by_hand_ms: handMs,
    by_hand_per_host_ms: byHand,
    operation_ms: opMs,
    operation_steps_ms: steps,
    ratio: Math.round((opMs / handMs) * 100) / 100,
    failed_requests: { by_hand: handReport.failed, operation: opReport.failed },
    requests: { by_hand: handReport.requests, operation: opReport.requests },
  };
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log('');
    console.log('| hosts | by hand (sum) | per host by hand | operation | ratio | failed requests (hand / op) |');
    console.log('|---|---|---|---|---|---|');
    console.log(`| ${n} | ${s(handMs)} | ${byHand.map((x) => s(x.ms)).join(', ')} | **${s(opMs)}** | **${result.ratio}** | ${handReport.failed} of ${handReport.requests} / ${opReport.failed} of ${opReport.requests} |`);
    console.log(`\noperation by step (all batches): ${Object.entries(steps).map(([k, v]) => `${k} ${s(v)}`).join(', ')}`);
  }
} finally {
  await stop();
}
