import { type ChildProcess, spawn } from 'node:child_process';
import { access, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cmd } from '../../src/exec/command.js';
import { runCommand } from '../../src/exec/run-command.js';
import { HealthMonitor } from '../../src/health/health-monitor.js';
import { probeHttp } from '../../src/health/probe-http.js';
import { buildTestImages } from '../../src/image-builder/build-test-images.js';
import { ImageCache } from '../../src/images/image-cache.js';
import { HostNetwork } from '../../src/net/host-network.js';
import { memoryFor, vcpusFor } from '../../src/runtimes/guest-sizing.js';
import { defaultMicroVmParts, imageDiskDirOf } from '../../src/runtimes/qemu/default-micro-vm-parts.js';
import { instanceMac } from '../../src/runtimes/instance-mac.js';
import { QemuRuntime } from '../../src/runtimes/qemu/qemu-runtime.js';
import type { StartStep } from '../../src/runtimes/qemu/start-step.js';
import type { TaskSpec } from '../../src/domain/task-spec.js';
import { buildRunConfig } from '../../src/vm/build-run-config.js';
import { buildConfigDisk } from '../../src/vm/config-disk.js';
import { buildImageDisk } from '../../src/vm/image-disk.js';
import { createScratchDisk } from '../../src/vm/scratch-disk.js';
import { bareQemuArgv } from './bare-qemu-argv.js';

// npm run bench:boot -- [--runs N] [--check-interval MS] [--json]
// As root; needs qemu-system-x86, e2fsprogs, umoci, skopeo, iproute2, nftables (see bench/README.md).

/** A user's mistake or a missing tool: one line, no stack trace. */
const fail = (message: string): never => {
  console.error(`bench:boot: ${message}`);
  process.exit(1);
};

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'check-interval': { type: 'string', default: '250' },
    json: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) fail(`--runs must be a whole number ≥ 1, got "${values.runs}"`);
const checkInterval = Number(values['check-interval']);
if (!Number.isInteger(checkInterval) || checkInterval < 50) fail(`--check-interval must be a whole number of ms ≥ 50, got "${values['check-interval']}"`);
if (process.getuid?.() !== 0) fail('run as root (taps on a bridge)');
if (!(await runCommand(cmd('qemu-system-x86_64', '--version')).then(() => true, () => false))) fail('qemu-system-x86_64 is missing (apt-get install qemu-system-x86)');
if (!(await access('/dev/net/tun').then(() => true, () => false))) fail('/dev/net/tun is missing');

const log = (line: string) => {
  if (!values.json) console.error(line);
};

const dir = await mkdtemp(join(tmpdir(), 'bubo-bench-boot-'));
const bridge = `bbboot${process.pid % 10000}`;
const subnet = '10.218.1.0/24';
const gateway = '10.218.1.1';
const bareAddress = '10.218.1.200';
const bareTap = `bbbare${process.pid % 10000}`;
const stateDir = join(dir, 'qemu');
const network = new HostNetwork({ bridge, subnet, stateDir: join(dir, 'net'), exec: runCommand, netnsPrefix: 'bubobench-' });
const images = new ImageCache({ root: join(dir, 'images') });
const parts = defaultMicroVmParts({ imageDiskDir: imageDiskDirOf(stateDir) });
/** When each named step of the current `start` began (the runtime's step hook, used here only to time). */
const steps = new Map<StartStep, number>();
const runtime = new QemuRuntime({
  stateDir,
  images,
  network,
  vm: parts,
  faults: {
    beforeStep: (step) => {
      steps.set(step, performance.now());
    },
  },
});
let bare: ChildProcess | undefined;
let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true;
  log('interrupted: cleaning up after this boot');
});

function spec(image: string): TaskSpec {
  return {
    app: 'bench',
    namespace: 'default',
    group: 'local',
    count: 1,
    runtime: 'microvm',
    resources: { cpus: 1, memory_mib: 256, disk_mib: 256 },
    containers: [{ name: 'web', image, command: null, args: null, env: {}, workdir: null, user: null, secrets: [], restart: 'always', stop_timeout_ms: 2_000 }],
    ports: [{ name: 'http', port: 80, protocol: 'http', public: null }],
    check: {
      kind: 'http',
      port: 'http',
      path: '/healthz',
      expect: 'ok',
      command: null,
      interval_ms: checkInterval,
      timeout_ms: Math.floor(checkInterval * 0.8),
      healthy_threshold: 1,
      unhealthy_threshold: 3,
      grace_period_ms: 0,
    },
    volumes: [],
    deploy: { strategy: 'rolling', max_unavailable: 0, max_surge: 1, healthy_deadline_ms: 60_000, drain_delay_ms: 0, switch_grace_ms: 0 },
  };
}

interface BuboRun {
  /** Assignment → first passing health check (what the ratio uses). */
  healthyMs: number;
  /** Assignment → `start` resolved (the guest printed BUBO_GUEST_READY). */
  readyMs: number;
  /** Record, tap and image lookup, disks (config + scratch mkfs), until QEMU is spawned. */
  prepareMs: number;
  /** Of which: the tap (and nftables) in parallel with the image lookup in the cache. */
  networkMs: number;
  /** Of which: the config and scratch disks (the image disk exists after the warm-up). */
  disksMs: number;
  /** `qemu -daemonize` until it returns (the VM runs). */
  launchMs: number;
  /** `start` resolved → first passing check: the monitor's first-check delay and the check itself. */
  checkMs: number;
}

interface BareRun {
  /** QEMU spawned → the same health check first passes (probes every 50 ms, overlapping). */
  httpMs: number;
  /** QEMU spawned → BUBO_GUEST_READY on the console (polled every 50 ms). */
  readyMs: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** bubo: `QemuRuntime.start` as the agent calls it, then the agent's `HealthMonitor` with the task's http check. */
async function bootBubo(n: number, task: TaskSpec): Promise<BuboRun> {
  const id = `boot-${n}`;
  steps.clear();
  let healthy: (at: number) => void = () => {};
  const healthyAt = new Promise<number>((resolve) => {
    healthy = resolve;
  });
  const monitor = new HealthMonitor({ onChange: (_id, report) => report.health === 'healthy' && healthy(performance.now()) });
  try {
    const t0 = performance.now();
    const instance = await runtime.start({ id, app: 'bench', namespace: 'default', release: 1, slot: n, spec: task, secrets: {} });
    const ready = performance.now();
    // The agent hands running instances to its monitor (`Agent#syncHealth`).
    monitor.sync([{ id, address: instance.address, spec: task, startedAt: instance.startedAt, runtime }]);
    const passed = await withTimeout(healthyAt, 60_000, `the first passing check of ${id}`);
    const launch = steps.get('launch') as number;
    const disks = steps.get('disks') as number;
    return {
      healthyMs: passed - t0,
      readyMs: ready - t0,
      prepareMs: launch - t0,
      networkMs: disks - (steps.get('network') as number),
      disksMs: launch - disks,
      launchMs: (steps.get('wait-ready') as number) - launch,
      checkMs: passed - ready,
    };
  } finally {
    await monitor.stop();
    await runtime.stop(id, 2_000);
  }
}

/** Baseline: PLATFORM §1.5's command line in the foreground over prepared disks, polled like a health check. */
async function bootBare(argv: [string, ...string[]], vmDir: string, scratch: string, task: TaskSpec): Promise<BareRun> {
  for (const f of ['console.log', 'qmp.sock', 'ctl.sock']) await rm(join(vmDir, f), { force: true });
  await createScratchDisk(scratch, task.resources.disk_mib);
  const check = { path: task.check?.path ?? '/', expect: task.check?.expect ?? null, timeout_ms: 1_000 };
  const t0 = performance.now();
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  bare = child;
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    let readyAt: number | null = null;
    let httpAt: number | null = null;
    const deadline = t0 + 120_000;
    while (httpAt === null) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`bare QEMU exited: ${stderr.trim()}`);
      if (performance.now() > deadline) throw new Error('the bare VM did not answer HTTP within 120 s');
      // Overlapping probes: before the guest's NIC is up a connection only times out, and a
      // probe every 50 ms keeps the resolution at 50 ms regardless.
      void probeHttp(bareAddress, 80, check, AbortSignal.timeout(2_000)).then((r) => {
        if (r.ok && httpAt === null) httpAt = performance.now();
      });
      if (readyAt === null && (await readFile(join(vmDir, 'console.log'), 'utf8').catch(() => '')).includes('BUBO_GUEST_READY')) readyAt = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const http = httpAt as number;
    return { httpMs: http - t0, readyMs: (readyAt ?? http) - t0 };
  } finally {
    child.kill('SIGKILL');
    await exited;
    bare = undefined;
  }
}

const median = (xs: number[]) => quantile(xs, 0.5);
const p90 = (xs: number[]) => quantile(xs, 0.9);
/** Nearest rank; with 5 runs p90 is the slowest. */
function quantile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

try {
  const { httpdV1 } = await buildTestImages({ onProgress: log });
  const image = `oci:${httpdV1.layout}:${httpdV1.tag}`;
  const task = spec(image);
  const probe = await runtime.hostProbe();
  const kit = await parts.guestKit();
  log(`${probe.accel.toUpperCase()} (${probe.accelReason}); TSC ${probe.tscKhz} kHz; kit ${kit.version}`);
  await network.setupHost();
  const pulled = await images.pull(image); // cached from here on: neither side pulls

  // The baseline's disks, built by the same functions the runtime uses; the image disk is the very
  // file bubo's instances share (built once per digest).
  const vmDir = join(dir, 'bare');
  await mkdir(vmDir, { recursive: true });
  const imageDisk = await buildImageDisk({ cacheDir: imageDiskDirOf(stateDir), digest: pulled.digest, rootfsDir: pulled.rootfs, limitMiB: 256, name: image });
  const accounts = { passwd: await readFile(join(pulled.rootfs, 'etc/passwd'), 'utf8').catch(() => null), group: await readFile(join(pulled.rootfs, 'etc/group'), 'utf8').catch(() => null) };
  const config = buildRunConfig({
    instanceId: 'bare',
    app: 'bench',
    containers: task.containers,
    resources: task.resources,
    images: [{ digest: pulled.digest, config: pulled.config, accounts }],
    network: { address: `${bareAddress}/24`, gateway, dns: [gateway], search: [], mtu: 1500 },
    secrets: {},
  });
  const configDisk = join(vmDir, 'config.ext4');
  const scratch = join(vmDir, 'scratch.ext4');
  await buildConfigDisk(configDisk, config);
  await runCommand(cmd('ip', 'tuntap', 'add', 'dev', bareTap, 'mode', 'tap'));
  await runCommand(cmd('ip', 'link', 'set', bareTap, 'master', bridge));
  await runCommand(cmd('ip', 'link', 'set', bareTap, 'up'));
  const argv = bareQemuArgv({
    kernel: kit.kernel,
    initramfs: kit.initramfs,
    accel: probe.accel,
    memoryMiB: memoryFor(task.resources.memory_mib),
    vcpus: vcpusFor(task.resources.cpus),
    tscKhz: probe.tscKhz,
    disks: [
      { path: configDisk, readOnly: true },
      { path: scratch, readOnly: false },
      { path: imageDisk, readOnly: true },
    ],
    tap: bareTap,
    mac: instanceMac('bare'),
    dir: vmDir,
  });

  // One untimed boot of each warms the page cache (66 MB vmlinux, disks); then they alternate.
  log('warm-up boots');
  await bootBubo(0, task);
  await bootBare(argv, vmDir, scratch, task);
  const bubo: BuboRun[] = [];
  const baseline: BareRun[] = [];
  for (let n = 1; n <= runs && !interrupted; n++) {
    bubo.push(await bootBubo(n, task));
    baseline.push(await bootBare(argv, vmDir, scratch, task));
    const b = bubo.at(-1) as BuboRun;
    log(`run ${n}/${runs}: bubo ${(b.healthyMs / 1000).toFixed(2)} s (ready ${(b.readyMs / 1000).toFixed(2)} s), bare ${((baseline.at(-1) as BareRun).httpMs / 1000).toFixed(2)} s`);
  }
  if (bubo.length === 0) fail('interrupted before the first measured run');

  const stat = (xs: number[]) => ({ median_ms: Math.round(median(xs)), p90_ms: Math.round(p90(xs)) });
  const result = {
    date: new Date().toISOString().slice(0, 10),
    accel: probe.accel,
    accel_reason: probe.accelReason,
    runs: bubo.length,
    check_interval_ms: checkInterval,
    bubo: {
      healthy: stat(bubo.map((r) => r.healthyMs)),
      ready: stat(bubo.map((r) => r.readyMs)),
      prepare: stat(bubo.map((r) => r.prepareMs)),
      network: stat(bubo.map((r) => r.networkMs)),
      disks: stat(bubo.map((r) => r.disksMs)),
      launch: stat(bubo.map((r) => r.launchMs)),
      check: stat(bubo.map((r) => r.checkMs)),
    },
    bare: { http: stat(baseline.map((r) => r.httpMs)), ready: stat(baseline.map((r) => r.readyMs)) },
    ratio_median: median(bubo.map((r) => r.healthyMs)) / median(baseline.map((r) => r.httpMs)),
    ratio_p90: p90(bubo.map((r) => r.healthyMs)) / p90(baseline.map((r) => r.httpMs)),
    samples: { bubo, bare: baseline },
  };
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else {
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const row = (name: string, x: { median_ms: number; p90_ms: number }) => console.log(`${name.padEnd(52)} ${s(x.median_ms).padStart(8)} ${s(x.p90_ms).padStart(8)}`);
    console.log(`\nmicroVM boot to first passing http check, ${result.runs} runs each, ${probe.accel.toUpperCase()} (${probe.accelReason})`);
    console.log(`${''.padEnd(52)} ${'median'.padStart(8)} ${'p90'.padStart(8)}`);
    row('bubo: assignment → first passing check', result.bubo.healthy);
    row('  of which: record, tap, disks (until QEMU spawned)', result.bubo.prepare);
    row('    tap and nftables ∥ image lookup', result.bubo.network);
    row('    config and scratch disks', result.bubo.disks);
    row('  of which: qemu -daemonize returns', result.bubo.launch);
    row('  assignment → start resolved (guest ready)', result.bubo.ready);
    row('  start resolved → first passing check', result.bubo.check);
    row('bare qemu: spawn → HTTP answers', result.bare.http);
    row('  spawn → BUBO_GUEST_READY on the console', result.bare.ready);
    console.log(`ratio bubo/bare: median ${result.ratio_median.toFixed(3)}, p90 ${result.ratio_p90.toFixed(3)} (goal ≤ 1.1)`);
  }
} finally {
  if (bare && bare.exitCode === null) bare.kill('SIGKILL');
  for (const instance of await runtime.list().catch(() => [])) await runtime.stop(instance.id, 0).catch(() => {});
  await runtime.close();
  await runCommand(cmd('ip', 'link', 'del', bareTap)).catch(() => {});
  await runCommand(cmd('ip', 'link', 'del', bridge)).catch(() => {});
  // bubo's nftables tables are one per machine: remove them only while they are still ours.
  const table = await runCommand(cmd('nft', 'list', 'table', 'ip', 'bubo')).catch(() => null);
  if (table?.stdout.includes(subnet)) {
    await runCommand(cmd('nft', 'delete', 'table', 'ip', 'bubo')).catch(() => {});
    await runCommand(cmd('nft', 'delete', 'table', 'bridge', 'bubo')).catch(() => {});
  }
  await rm(dir, { recursive: true, force: true });
}
