import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cmd } from '../../src/exec/command.js';
import { type Executor, runCommand } from '../../src/exec/run-command.js';
import { ImageCache } from '../../src/images/image-cache.js';
import { HostNetwork } from '../../src/net/host-network.js';
import type { NetworkProvider } from '../../src/net/network-provider.js';
import type { ImageProvider } from '../../src/images/image-provider.js';
import { RuncRuntime } from '../../src/runtimes/runc/runc-runtime.js';
import type { TaskSpec } from '../../src/domain/task-spec.js';
import { buildTestImages } from '../../src/image-builder/build-test-images.js';

// npx tsx bench/start/run.ts [--starts N] [--runs N] [--json]   (root; runc, umoci, skopeo, iproute2, nftables)
const { values } = parseArgs({ options: { starts: { type: 'string', default: '30' }, runs: { type: 'string', default: '3' }, json: { type: 'boolean', default: false } } });
const starts = Number(values.starts);
if (!Number.isInteger(starts) || starts < 2) throw new Error(`--starts must be a whole number ≥ 2, got "${values.starts}"`);
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number ≥ 1, got "${values.runs}"`);

const dir = await mkdtemp(join(tmpdir(), 'bubo-bench-start-'));
const bridge = 'bbbench0';
const cgroupParent = `/bubo-bench-${process.pid}`;
const network = new HostNetwork({ bridge, subnet: '10.215.1.0/24', stateDir: join(dir, 'net'), exec: runCommand, netnsPrefix: 'bubobench-' });
const images = new ImageCache({ root: join(dir, 'images') });
// Where a start's time goes: the runtime's step hook marks each step's beginning; the network
// attach runs beside the image lookup and the rootfs mount, so those are timed on their own.
let marks: Map<string, number> = new Map();
const mark = (name: string) => { if (!marks.has(name)) marks.set(name, performance.now()); };
const timed = <T>(name: string, work: Promise<T>): Promise<T> => {
  const t0 = performance.now();
  return work.finally(() => marks.set(name, performance.now() - t0));
};
const timedNetwork: NetworkProvider = {
  setupHost: () => network.setupHost(),
  attach: (id, kind, namespace) => timed('network attach', network.attach(id, kind, namespace)),
  detach: (id) => network.detach(id),
  list: () => network.list(),
};
const timedImages: ImageProvider = { pull: (reference, options) => timed('image lookup', images.pull(reference, options)) };
// The overlay mount runs beside the network attach too (after the image lookup): timed on its own.
const timedExec: Executor = (command, signal) => (command.argv[0] === 'mount' ? timed('mount', runCommand(command, signal)) : runCommand(command, signal));
const runtime = new RuncRuntime({ stateDir: join(dir, 'runc'), images: timedImages, network: timedNetwork, cgroupParent, exec: timedExec, faults: { beforeStep: (step) => mark(`${step} step`) } });

function spec(image: string): TaskSpec {
  return {
    app: 'bench', namespace: 'default', group: 'local', count: 1, runtime: 'container',
    resources: { cpus: 0.1, memory_mib: 32, disk_mib: 16 },
    containers: [{ name: 'main', image, command: null, args: null, env: {}, workdir: null, user: null, secrets: [], restart: 'never', stop_timeout_ms: 1000 }],
    ports: [], check: null, volumes: [],
    deploy: { strategy: 'rolling', max_unavailable: 1, max_surge: 1, healthy_deadline_ms: 60_000, drain_delay_ms: 2_000, switch_grace_ms: 30_000 },
  };
}

/**
 * `runc run -d` hands the container runc's own stdout/stderr: through the executor's pipes the
 * run would never end, so the baseline gets /dev/null, as a shell's `> file` would give it a file.
 */
function runDetached(argv: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${argv.join(' ')} exited with ${code}`))));
  });
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

try {
  // The busybox httpd test image (built from Debian packages, cached by its inputs).
  const { httpdV1 } = await buildTestImages();
  const image = `oci:${httpdV1.layout}:${httpdV1.tag}`;
  await network.setupHost();
  const pulled = await images.pull(image); // cached from here on: the benchmark excludes the pull

  // Baseline: `runc run -d` of a prepared bundle (rootfs copied and config.json written beforehand).
  const bundle = join(dir, 'bundle');
  await cp(pulled.rootfs, join(bundle, 'rootfs'), { recursive: true, verbatimSymlinks: true });
  await runCommand({ ...cmd('runc', 'spec', '--bundle', bundle) });
  const config = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8'));
  config.process.terminal = false;
  config.process.args = ['/bin/sleep', '3600'];
  config.linux.cgroupsPath = `${cgroupParent}/baseline`;
  await writeFile(join(bundle, 'config.json'), JSON.stringify(config));
  const baselineRun = async (n: number): Promise<number> => {
    const name = `bubo-bench-baseline-${n}`;
    await runCommand({ ...cmd('runc', 'delete', '-f', name), okExitCodes: [1] }); // left by an interrupted run
    const t0 = performance.now();
    await runDetached(['runc', 'run', '-d', '--bundle', bundle, name]);
    const ms = performance.now() - t0;
    await runCommand(cmd('runc', 'delete', '-f', name));
    return ms;
  };

  // One run: `starts` bubo starts (assignment → RuncRuntime.start resolved: network, overlay,
  // bundle, shim, runc, running), each followed by one baseline run, so both see the same machine
  // at the same moment.
  const measure = async (run: number) => {
    const bubo: number[] = [];
    const baseline: number[] = [];
    const steps = new Map<string, number[]>();
    const addStep = (name: string, ms: number) => steps.set(name, [...(steps.get(name) ?? []), ms]);
    for (let n = 0; n < starts; n++) {
      const id = `bench-${run}-${n.toString(16).padStart(8, '0')}`;
      marks = new Map();
      const t0 = performance.now();
      await runtime.start({ id, app: 'bench', namespace: 'default', release: 1, slot: n, spec: spec(image), secrets: {} });
      const end = performance.now();
      bubo.push(end - t0);
      // Sequential steps: from a step's mark to the next one's; side-by-side ones: their own time.
      const order = ['record', 'network', 'files', 'spec', 'launch', 'wait-running'];
      const at = (name: string) => marks.get(`${name} step`) ?? end;
      addStep('record', at('network') - at('record'));
      addStep('network attach', marks.get('network attach') ?? 0);
      addStep('image lookup', marks.get('image lookup') ?? 0);
      addStep('mount', marks.get('mount') ?? 0);
      addStep('network ∥ (image → mount), waited', at('files') - at('network'));
      for (const [i, name] of order.entries()) if (i >= 2) addStep(name, at(order[i + 1] ?? '') - at(name));
      await runtime.stop(id, 1000);
      baseline.push(await baselineRun(n));
    }
    return {
      bubo: { p50_ms: percentile(bubo, 50), p99_ms: percentile(bubo, 99) },
      runc_run: { p50_ms: percentile(baseline, 50), p99_ms: percentile(baseline, 99) },
      steps_p50_ms: Object.fromEntries([...steps].map(([name, xs]) => [name, Math.round(percentile(xs, 50) * 10) / 10])),
      ratio_p50: percentile(bubo, 50) / percentile(baseline, 50),
      added_p50_ms: percentile(bubo, 50) - percentile(baseline, 50),
    };
  };

  const results = [];
  for (let run = 0; run < runs; run++) results.push(await measure(run));
  const median = (xs: number[]) => percentile(xs, 50);
  const result = {
    starts,
    runs: results,
    median: {
      bubo_p50_ms: median(results.map((r) => r.bubo.p50_ms)),
      bubo_p99_ms: median(results.map((r) => r.bubo.p99_ms)),
      runc_run_p50_ms: median(results.map((r) => r.runc_run.p50_ms)),
      runc_run_p99_ms: median(results.map((r) => r.runc_run.p99_ms)),
      ratio_p50: median(results.map((r) => r.ratio_p50)),
    },
  };
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else {
    const f = (x: number) => `${x.toFixed(0)} ms`;
    console.log(`instance start with the image cached: ${runs} run(s) of ${starts} starts, each start followed by one runc run -d`);
    for (const [i, r] of results.entries()) {
      console.log(`run ${i + 1}: bubo (assignment → running) p50 ${f(r.bubo.p50_ms)} p99 ${f(r.bubo.p99_ms)}; runc run -d (prepared bundle) p50 ${f(r.runc_run.p50_ms)} p99 ${f(r.runc_run.p99_ms)}; ratio p50 ${r.ratio_p50.toFixed(2)}`);
      console.log(`       by step, p50: ${Object.entries(r.steps_p50_ms).map(([k, v]) => `${k} ${v} ms`).join(', ')}`);
    }
    const m = result.median;
    console.log(`median of ${runs}: bubo p50 ${f(m.bubo_p50_ms)} p99 ${f(m.bubo_p99_ms)}; runc run -d p50 ${f(m.runc_run_p50_ms)} p99 ${f(m.runc_run_p99_ms)}; ratio p50 ${m.ratio_p50.toFixed(2)} (goal ≤ 2.0: bubo adds less than one runc run)`);
  }
} finally {
  for (const instance of await runtime.list().catch(() => [])) await runtime.stop(instance.id, 500).catch(() => {});
  await runCommand(cmd('ip', 'link', 'del', bridge)).catch(() => {});
  await runCommand(cmd('nft', 'delete', 'table', 'ip', 'bubo')).catch(() => {});
  await runCommand(cmd('nft', 'delete', 'table', 'bridge', 'bubo')).catch(() => {});
  await rm(dir, { recursive: true, force: true });
}
