import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesHolding } from '../support/files-holding.js';
import { runCommand } from '../../src/exec/run-command.js';
import { ImageCache } from '../../src/images/image-cache.js';
import { HostNetwork } from '../../src/net/host-network.js';
import { defaultMicroVmParts, imageDiskDirOf } from '../../src/runtimes/qemu/default-micro-vm-parts.js';
import { QemuInstanceLayout } from '../../src/runtimes/qemu/instance-layout.js';
import { QemuRuntime } from '../../src/runtimes/qemu/qemu-runtime.js';
import { START_INTERRUPTED } from '../../src/runtimes/recorded-instances.js';
import { SimulatedCrash } from '../../src/runtimes/simulated-crash.js';
import type { StartRequest } from '../../src/runtimes/runtime.js';
import type { ContainerSpec, TaskSpec } from '../../src/domain/task-spec.js';
import { type TestImages, testImages } from '../support/test-images.js';

const run = promisify(execFile);
const canRun = process.getuid?.() === 0 && existsSync('/usr/bin/qemu-system-x86_64') && existsSync('/dev/net/tun');

function container(name: string, image: string, overrides: Partial<ContainerSpec> = {}): ContainerSpec {
  return { name, image, command: null, args: null, env: {}, workdir: null, user: null, secrets: [], restart: 'always', stop_timeout_ms: 5_000, ...overrides };
}

function request(id: string, containers: ContainerSpec[]): StartRequest {
  const spec: TaskSpec = {
    app: 'qe2e',
    namespace: 'default',
    group: 'local',
    count: 1,
    runtime: 'microvm',
    resources: { cpus: 1, memory_mib: 256, disk_mib: 256 },
    containers,
    ports: [],
    check: null,
    deploy: { strategy: 'rolling', max_unavailable: 1, max_surge: 1, healthy_deadline_ms: 60_000, drain_delay_ms: 0, switch_grace_ms: 0 },
    volumes: [],
  };
  return { id, app: 'qe2e', namespace: 'default', release: 1, slot: 0, spec, secrets: {} };
}

async function httpGet(url: string): Promise<string> {
  const res = await fetch(url, { headers: { connection: 'close' }, signal: AbortSignal.timeout(3_000) });
  return res.text();
}

async function eventually<T>(check: () => Promise<T | null | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const pidOf = async (stateDir: string, id: string) => Number((await readFile(new QemuInstanceLayout(stateDir, id).pidfile, 'utf8')).trim());
/** Alive and not a zombie (a zombie's cmdline is empty). */
const alive = (pid: number) => readFileSyncSafe(`/proc/${pid}/cmdline`) !== '';
function readFileSyncSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Real QEMU microVMs under TCG (this host's KVM cannot run guests), the real guest kit and guest
 * init of src/vm, the real image cache (test images from their OCI layouts) and the real host
 * network on a private bridge. Boots take ~5 s each; there are four.
 */
describe.skipIf(!canRun)('QEMU microVM runtime (real QEMU)', () => {
  let dir: string;
  let stateDir: string;
  let images: TestImages;
  let cache: ImageCache;
  let network: HostNetwork;
  const bridge = `bbq${process.pid % 100000}`;
  const subnet = `10.215.${process.pid % 250}.0/24`;
  const ids: string[] = [];
  const ref = (image: { layout: string; tag: string }) => `oci:${image.layout}:${image.tag}`;

  const runtime = (faults?: ConstructorParameters<typeof QemuRuntime>[0]['faults']) =>
    new QemuRuntime({
      stateDir,
      images: cache,
      network,
      vm: defaultMicroVmParts({ imageDiskDir: imageDiskDirOf(stateDir) }),
      accel: 'auto',
      ...(faults ? { faults } : {}),
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-qemu-e2e-'));
    stateDir = join(dir, 'qemu');
    images = await testImages();
    cache = new ImageCache({ root: join(dir, 'images') });
    network = new HostNetwork({ bridge, subnet, stateDir: join(dir, 'net'), exec: runCommand });
    await network.setupHost();
  }, 300_000);

  afterAll(async () => {
    const cleaner = runtime();
    for (const id of ids) await cleaner.stop(id, 0).catch(() => {});
    await run('ip', ['link', 'del', bridge]).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('probes this host: QEMU available, KVM tried and TCG chosen with the reason, result cached', async () => {
    const rt = runtime();
    const reported = await rt.probe();
    const probe = await rt.hostProbe();
    // What `bubo hosts` shows: how VMs run here and why.
    expect(reported).toEqual({ name: 'qemu', kind: 'microvm', available: true, detail: probe.accel === 'kvm' ? 'kvm' : `tcg: ${probe.accelReason}` });
    expect(probe.tscKhz).toBeGreaterThan(100_000);
    if (probe.accel === 'tcg') expect(probe.accelReason).toMatch(/^kvm: .*; using TCG$|TCG/);
    const cached = JSON.parse(await readFile(join(stateDir, 'probe.json'), 'utf8'));
    expect(cached).toEqual(probe);
  }, 120_000);

  it('boots a busybox httpd microVM reachable over HTTP; a new runtime re-adopts it (same QEMU); a QEMU killed from outside is reported exited', async () => {
    const id = `qweb-${process.pid}`;
    ids.push(id);
    const first = runtime();
    const started = await first.start(request(id, [container('web', ref(images.httpdV1), { env: { GREETING: 'hi' } })]));
    expect(started).toMatchObject({ id, state: 'running', exitCode: null });
    expect(started.address).toMatch(/^10\.215\./);
    expect(started.images?.web).toMatch(/^sha256:[0-9a-f]{64}$/);
    const page = await eventually(() => httpGet(`http://${started.address}/`), 15_000);
    expect(page).toContain(`hostname ${id}`);

    // No secret or config in QEMU's argv: only the kernel parameters and paths.
    const pid = await pidOf(stateDir, id);
    const argv = readFileSyncSafe(`/proc/${pid}/cmdline`).split('\0');
    expect(argv.join(' ')).not.toContain('GREETING');
    expect(argv).toContain('-daemonize');

    const exec = await first.exec(id, null, ['sh', '-c', 'echo $GREETING from $(hostname)'], 10_000);
    expect(exec).toEqual({ exitCode: 0, output: `hi from ${id}\n` });

    // The agent "restarts": a new runtime over the same state directory sees the same VM. (A dead
    // agent's control connection closes with it; here the first runtime lets go explicitly.)
    await first.close();
    const second = runtime();
    expect(await second.list()).toEqual([expect.objectContaining({ id, state: 'running', address: started.address })]);
    expect(await pidOf(stateDir, id)).toBe(pid);
    expect((await second.exec(id, 'web', ['cat', '/etc/hostname'], 10_000)).output.trim()).toBe(id);
    expect(await first.imagesInUse()).toEqual(new Set([started.images?.web]));

    process.kill(pid, 'SIGKILL');
    const gone = await eventually(async () => {
      const view = await second.inspect(id);
      return view?.state === 'exited' ? view : null;
    }, 10_000);
    expect(gone).toMatchObject({ state: 'exited', exitCode: null, message: 'the VM is gone: QEMU was killed or crashed' });
    await second.stop(id, 5_000);
    expect(await second.inspect(id)).toBeNull();
    expect(existsSync(new QemuInstanceLayout(stateDir, id).dir)).toBe(false);
    expect(await network.list()).not.toContain(id);
  }, 180_000);

  it('runs web + redis in one VM (web reaches redis on localhost) and stop SIGTERMs the containers before powering off', async () => {
    const id = `qpair-${process.pid}`;
    ids.push(id);
    const rt = runtime();
    const started = await rt.start(request(id, [container('web', ref(images.httpdV1)), container('redis', ref(images.redis))]));
    expect(started.state).toBe('running');
    const pong = await eventually(async () => {
      const result = await rt.exec(id, 'web', ['sh', '-c', 'printf "PING\\r\\n" | nc -w 2 127.0.0.1 6379'], 10_000);
      return result.output.includes('+PONG') ? result : null;
    }, 20_000);
    expect(pong.exitCode).toBe(0);
    const redisLines: string[] = [];
    for await (const line of rt.logs(id, { follow: false, signal: AbortSignal.timeout(5_000) })) if (line.container === 'redis') redisLines.push(line.line);
    expect(redisLines.join('\n')).toMatch(/Ready to accept connections/);

    // The console stays readable through this descriptor after stop removes the instance directory.
    const console = await open(new QemuInstanceLayout(stateDir, id).consoleLog, 'r');
    try {
      const pid = await pidOf(stateDir, id);
      await rt.stop(id, 10_000);
      expect(alive(pid)).toBe(false);
      const text = (await console.readFile('utf8')).replace(/\r/g, '');
      expect(text).toMatch(/\[redis\] .*Received SIGTERM/);
      expect(text).toMatch(/\[bubo-init\] container web exited rc=143/);
      expect(text).toMatch(/every container has exited: powering off/);
    } finally {
      await console.close();
    }
    expect(await rt.inspect(id)).toBeNull();
  }, 180_000);

  it('delivers file secrets through the config disk: read-only, 0400, the container user\'s, at their path; never on a command line', async () => {
    const id = `qsecret-${process.pid}`;
    ids.push(id);
    const rt = runtime();
    const envMarker = `bubo-env-marker-${randomBytes(8).toString('hex')}`;
    const fileMarker = `bubo-file-marker-${randomBytes(8).toString('hex')}`;
    const fileValue = `${fileMarker}\nline 2 with 'quotes' and $dollar\n`;
    const sleep = ['/bin/sh', '-c', 'exec sleep 3600'];
    const start = request(id, [
      container('app', ref(images.httpdV1), {
        command: sleep,
        user: 'nobody',
        // /run/secrets does not exist in the image; the guest creates the mountpoint.
        secrets: [{ name: 'API_KEY', file: null }, { name: 'TLS_KEY', file: '/run/secrets/tls key.pem' }],
      }),
      // Root may write a 0400 file: only the read-only mount stops it.
      container('root', ref(images.httpdV1), { command: sleep, secrets: [{ name: 'TLS_KEY', file: '/etc/app/tls.pem' }] }),
    ]);
    await rt.start({ ...start, secrets: { API_KEY: envMarker, TLS_KEY: fileValue } });
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    // Hashes, not values, come back: the answer is checked without the test printing a secret.
    const show = (path: string) =>
      [
        `sha256sum < '${path}'`,
        `stat -c 'mode=%a owner=%u:%g' '${path}'`,
        'printf %s "$API_KEY" | sha256sum',
        `(echo x >> '${path}') 2>&1 || echo write refused`,
        `sha256sum < '${path}'`,
      ].join('; ');
    const app = await rt.exec(id, 'app', ['sh', '-c', show('/run/secrets/tls key.pem')], 20_000);
    expect(app.output).toMatch(/Permission denied/);
    expect(app.output.replace(/^.*Permission denied\n/m, '')).toBe(`${sha(fileValue)}  -\nmode=400 owner=65534:65534\n${sha(envMarker)}  -\nwrite refused\n${sha(fileValue)}  -\n`);
    const root = await rt.exec(id, 'root', ['sh', '-c', show('/etc/app/tls.pem')], 20_000);
    expect(root.output).toMatch(/Read-only file system/);
    expect(root.output.replace(/^.*Read-only file system\n/m, '')).toBe(`${sha(fileValue)}  -\nmode=400 owner=0:0\n${sha('')}  -\nwrite refused\n${sha(fileValue)}  -\n`);
    const mounts = await rt.exec(id, 'root', ['grep', '/etc/app/tls.pem', '/proc/mounts'], 20_000);
    expect(mounts.output).toMatch(/ \/etc\/app\/tls\.pem tmpfs ro,nosuid,nodev,noexec/);

    // Neither value on any command line (QEMU's included) nor in the argv QEMU was started with.
    const layout = new QemuInstanceLayout(stateDir, id);
    const ps = (await run('ps', ['-eo', 'args'], { maxBuffer: 16 * 2 ** 20 })).stdout;
    expect(ps).toContain(layout.configDisk);
    const argvFile = await readFile(layout.argvFile, 'utf8');
    for (const marker of [envMarker, fileMarker]) {
      expect(ps).not.toContain(marker);
      expect(argvFile).not.toContain(marker);
    }
    // In the runtime's state directory only the config disk (0600) holds them, console log included.
    expect(statSync(layout.configDisk).mode & 0o777).toBe(0o600);
    for (const marker of [envMarker, fileMarker]) expect(filesHolding(stateDir, marker)).toEqual([`instances/${id}/config.ext4`]);
    await rt.stop(id, 10_000);
    expect(existsSync(layout.dir)).toBe(false);
  }, 180_000);

  it('an agent killed while the VM boots leaves it "start interrupted"; stop kills its QEMU and cleans up', async () => {
    const id = `qcrash-${process.pid}`;
    ids.push(id);
    const crashing = runtime({
      beforeStep: (step) => {
        if (step === 'wait-ready') throw new SimulatedCrash(step);
      },
    });
    await expect(crashing.start(request(id, [container('web', ref(images.httpdV1))]))).rejects.toBeInstanceOf(SimulatedCrash);
    const pid = await pidOf(stateDir, id);
    expect(alive(pid)).toBe(true);
    const after = runtime();
    expect(await after.inspect(id)).toMatchObject({ state: 'exited', exitCode: null, message: START_INTERRUPTED });
    await after.stop(id, 10_000);
    expect(alive(pid)).toBe(false);
    expect(await after.list()).toEqual([]);
    expect(await network.list()).not.toContain(id);
  }, 180_000);
});
