import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { InstanceNetwork, NetworkProvider } from '../../net/network-provider.js';
import type { TaskSpec } from '../../domain/task-spec.js';
import { instanceMac } from '../instance-mac.js';
import { hasExec, RuntimeStartError, type StartRequest } from '../runtime.js';
import { SimulatedCrash } from '../simulated-crash.js';
import type { FirecrackerGuest, VmDisks } from './firecracker-guest.js';
import { START_INTERRUPTED } from '../recorded-instances.js';
import { FirecrackerRuntime, type FirecrackerRuntimeOptions, NO_CONTROL_CHANNEL } from './firecracker-runtime.js';
import { START_STEPS } from './start-step.js';
import { FakeFirecracker } from './test-fake-firecracker.js';
import { FirecrackerSpec } from './test-firecracker-spec.js';

const spec = new FirecrackerSpec();

class TestNetwork implements NetworkProvider {
  readonly attached = new Set<string>();
  readonly detached: string[] = [];
  constructor(private readonly withNic: boolean) {}
  async setupHost(): Promise<void> {}
  async attach(instanceId: string): Promise<InstanceNetwork> {
    this.attached.add(instanceId);
    const tap = this.withNic ? `bt-${instanceId}`.slice(0, 15) : '';
    return { instanceId, netnsPath: '', hostInterface: tap, address: '10.210.0.7', prefixLength: 24, gateway: '10.210.0.1', dns: '10.210.0.1', mtu: 1500 };
  }
  async detach(instanceId: string): Promise<void> {
    this.attached.delete(instanceId);
    this.detached.push(instanceId);
  }
  async list(): Promise<string[]> {
    return [...this.attached];
  }
}

/** Kernel, initramfs and one shared image disk in `shared`; the config and scratch disks in the instance dir. */
class TestGuest implements FirecrackerGuest {
  constructor(private readonly shared: string) {}
  async kit() {
    return { kernel: join(this.shared, 'vmlinux'), initramfs: join(this.shared, 'initramfs.cpio') };
  }
  async prepareDisks(request: StartRequest, _network: InstanceNetwork, dir: string) {
    writeFileSync(join(dir, 'config.ext4'), JSON.stringify({ instanceId: request.id }));
    writeFileSync(join(dir, 'scratch.ext4'), '');
    const disks: VmDisks = { config: join(dir, 'config.ext4'), scratch: join(dir, 'scratch.ext4'), images: [join(this.shared, 'image-abc.ext4')] };
    return { disks, images: { web: 'sha256:abc' } };
  }
}

function request(id: string, cpus: number, memoryMib: number): StartRequest {
  const task: TaskSpec = {
    app: 'shop',
    namespace: 'default',
    group: 'main',
    count: 1,
    runtime: 'microvm',
    resources: { cpus, memory_mib: memoryMib, disk_mib: 100 },
    containers: [],
    ports: [],
    check: null,
    deploy: { strategy: 'rolling', max_unavailable: 1, max_surge: 1, healthy_deadline_ms: 60_000, drain_delay_ms: 2_000, switch_grace_ms: 30_000 },
    volumes: [],
  };
  return { id, app: 'shop', namespace: 'default', release: 1, slot: 0, spec: task, secrets: {} };
}

let dir: string;
let fake: FakeFirecracker;
let network: TestNetwork;
let bin: string;

function runtime(extra: Partial<FirecrackerRuntimeOptions> = {}): FirecrackerRuntime {
  return new FirecrackerRuntime({
    stateDir: join(dir, 'state'),
    guest: new TestGuest(join(dir, 'shared')),
    network,
    firecracker: join(bin, 'firecracker'),
    jailer: join(bin, 'jailer'),
    uid: 10001,
    gid: 10000,
    cgroupVersion: 1,
    cgroupRoot: join(dir, 'cgroup'),
    processes: fake,
    apiReadyTimeoutMs: 2_000,
    ...extra,
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bubo-fc-rt-'));
  bin = join(dir, 'bin');
  for (const d of [bin, join(dir, 'shared'), join(dir, 'cgroup', 'memory', 'bubo')]) mkdirSync(d, { recursive: true });
  for (const name of ['firecracker', 'jailer']) {
    writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} v1.17.0-fake"\n`);
    chmodSync(join(bin, name), 0o755);
  }
  for (const f of ['vmlinux', 'initramfs.cpio', 'image-abc.ext4']) writeFileSync(join(dir, 'shared', f), f);
  fake = new FakeFirecracker(spec);
  network = new TestNetwork(true);
});
afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('start → stop against a fake Firecracker API that validates every request', () => {
  test('sends a conforming configuration, boots, and stops with Ctrl+Alt+Del; everything is cleaned up', async () => {
    const rt = runtime();
    const started = await rt.start(request('web-1', 2, 512));
    expect(started).toMatchObject({ id: 'web-1', state: 'running', address: '10.210.0.7', exitCode: null, images: { web: 'sha256:abc' } });

    const base = join(dir, 'state', 'jailer');
    expect(fake.launches).toEqual([
      [
        join(bin, 'jailer'),
        '--id',
        'web-1',
        '--exec-file',
        join(bin, 'firecracker'),
        '--uid',
        '10001',
        '--gid',
        '10000',
        '--chroot-base-dir',
        base,
        '--cgroup-version',
        '1',
        '--parent-cgroup',
        'bubo',
        '--cgroup',
        'cpu.cfs_period_us=100000',
        '--cgroup',
        'cpu.cfs_quota_us=200000',
        '--cgroup',
        'memory.limit_in_bytes=603979776',
        '--daemonize',
        '--',
        '--api-sock',
        '/run/firecracker.socket',
      ],
    ]);
    expect(fake.requests.flatMap((r) => r.errors)).toEqual([]);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'PUT /logger',
      'PUT /serial',
      'PUT /machine-config',
      'PUT /boot-source',
      'PUT /drives/config',
      'PUT /drives/scratch',
      'PUT /drives/image0',
      'PUT /network-interfaces/eth0',
      'PUT /vsock',
      'PUT /actions',
    ]);
    expect(fake.requests[2]?.body).toEqual({ vcpu_count: 2, mem_size_mib: 512, smt: false });
    expect(fake.requests[7]?.body).toEqual({ iface_id: 'eth0', host_dev_name: 'bt-web-1', guest_mac: instanceMac('web-1'), mtu: 1500 });
    const root = join(base, 'firecracker', 'web-1', 'root');
    // Shared files are hard links; the scratch disk belongs to the VM's uid.
    expect(statSync(join(root, 'image0.ext4')).ino).toBe(statSync(join(dir, 'shared', 'image-abc.ext4')).ino);
    expect(statSync(join(root, 'scratch.ext4')).uid).toBe(10001);
    expect(rt.consolePath('web-1')).toBe(join(root, 'console.log'));
    expect(rt.vsockPath('web-1')).toBe(join(root, 'v.sock'));
    expect(await rt.list()).toEqual([expect.objectContaining({ id: 'web-1', state: 'running' })]);

    // A new runtime over the same state directory re-adopts the running VM.
    expect(await runtime().inspect('web-1')).toMatchObject({ state: 'running', address: '10.210.0.7' });

    await rt.stop('web-1', 2_000);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'PUT', path: '/actions', body: { action_type: 'SendCtrlAltDel' }, errors: [] });
    expect(fake.signals).toEqual([]); // It shut down by itself: no kill.
    expect(network.detached).toEqual(['web-1']);
    expect(existsSync(join(base, 'firecracker', 'web-1'))).toBe(false);
    expect(existsSync(join(dir, 'state', 'instances', 'web-1'))).toBe(false);
    expect(existsSync(join(dir, 'shared', 'image-abc.ext4'))).toBe(true);
    expect(fake.running()).toEqual([]);
    expect(await rt.inspect('web-1')).toBeNull();
    await rt.stop('web-1', 2_000); // Idempotent.
  });

  test('1 vCPU / 128 MiB without a NIC: no network-interfaces request', async () => {
    network = new TestNetwork(false);
    const rt = runtime();
    await rt.start(request('job-1', 0.5, 64));
    expect(fake.requests.flatMap((r) => r.errors)).toEqual([]);
    expect(fake.requests.map((r) => r.path)).not.toContain('/network-interfaces/eth0');
    expect(fake.requests.find((r) => r.path === '/machine-config')?.body).toEqual({ vcpu_count: 1, mem_size_mib: 128, smt: false });
    await rt.stop('job-1', 1_000);
  });

  test('a guest that ignores Ctrl+Alt+Del is killed after the timeout', async () => {
    fake.ignoreCtrlAltDel = true;
    const rt = runtime();
    const { id } = await rt.start(request('stubborn', 1, 128));
    const t0 = Date.now();
    await rt.stop(id, 200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(fake.signals).toEqual([{ pid: expect.any(Number), signal: 'SIGKILL' }]);
    expect(await rt.inspect(id)).toBeNull();
  });

  test('a VM that ended by itself is reported exited', async () => {
    const rt = runtime();
    await rt.start(request('done-1', 1, 128));
    fake.crash('done-1');
    expect(await rt.inspect('done-1')).toMatchObject({ state: 'exited', exitCode: null, message: expect.stringMatching(/microVM exited/) });
    await rt.stop('done-1', 100);
  });

  test("a request Firecracker refuses fails the start with its fault_message, and leaves nothing behind", async () => {
    fake.failOn = { path: '/boot-source', fault: 'Invalid kernel: not an ELF file' };
    const rt = runtime();
    const error = await rt.start(request('bad-1', 1, 128)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeStartError);
    expect((error as Error).message).toBe('Cannot start instance bad-1: Firecracker PUT /boot-source failed (HTTP 400): Invalid kernel: not an ELF file');
    expect(fake.signals.map((s) => s.signal)).toEqual(['SIGKILL']);
    expect(network.attached.size).toBe(0);
    expect(existsSync(join(dir, 'state', 'jailer', 'firecracker', 'bad-1'))).toBe(false);
    expect(await rt.list()).toEqual([]);
  });

  test('missing binaries fail the start with a message that says what to install', async () => {
    const rt = runtime({ firecracker: join(dir, 'nowhere', 'firecracker') });
    await expect(rt.start(request('nobin', 1, 128))).rejects.toThrow(/Cannot start instance nobin: firecracker binary not found .*install Firecracker/);
  });
});

describe('crash during start', () => {
  test.each(START_STEPS.filter((s) => s !== 'record'))('a crash before %s is reported as interrupted and stop removes it all', async (step) => {
    const crashing = runtime({
      faults: {
        beforeStep: (s) => {
          if (s === step) throw new SimulatedCrash(s);
        },
      },
    });
    await expect(crashing.start(request('crash-1', 1, 128))).rejects.toBeInstanceOf(SimulatedCrash);
    const after = runtime(); // The agent restarted.
    expect(await after.list()).toEqual([expect.objectContaining({ id: 'crash-1', state: 'exited', message: START_INTERRUPTED })]);
    await after.stop('crash-1', 100);
    expect(await after.list()).toEqual([]);
    expect(network.attached.size).toBe(0);
    expect(existsSync(join(dir, 'state', 'jailer', 'firecracker', 'crash-1'))).toBe(false);
    expect(fake.running()).toEqual([]);
  });
});

describe('probe', () => {
  test('this host: unavailable, and says why (no binaries; /dev/kvm is not hardware KVM here)', async () => {
    const probe = await new FirecrackerRuntime({ stateDir: dir, guest: new TestGuest(dir), network, firecracker: 'bubo-no-such-firecracker', jailer: 'bubo-no-such-jailer' }).probe();
    expect(probe).toMatchObject({ name: 'firecracker', kind: 'microvm', available: false });
    expect(probe.reason).toMatch(/firecracker binary not found \(bubo-no-such-firecracker\)/);
    expect(probe.reason).toMatch(/jailer binary not found/);
  });

  test('available with both binaries, a read-write KVM device and kvm_intel loaded', async () => {
    const modules = join(dir, 'sys-module');
    mkdirSync(join(modules, 'kvm_intel'), { recursive: true });
    writeFileSync(join(dir, 'kvm'), '');
    const rt = runtime({ kvmDevice: join(dir, 'kvm'), sysModuleDir: modules });
    // Available, and says what it cannot do: no vsock control channel in the guest yet.
    expect(await rt.probe()).toEqual({ name: 'firecracker', kind: 'microvm', available: true, detail: NO_CONTROL_CHANNEL });
    expect(hasExec(rt)).toBe(false);
  });

  test('a nested PVM host (kvm_pvm only) is refused unless kvmVerified', async () => {
    const modules = join(dir, 'sys-module');
    mkdirSync(join(modules, 'kvm_pvm'), { recursive: true });
    writeFileSync(join(dir, 'kvm'), '');
    const refused = await runtime({ kvmDevice: join(dir, 'kvm'), sysModuleDir: modules }).probe();
    expect(refused.reason).toMatch(/is not hardware KVM \(it comes from kvm_pvm, nested PVM\)/);
    expect(await runtime({ kvmDevice: join(dir, 'kvm'), sysModuleDir: modules, kvmVerified: true }).probe()).toMatchObject({ available: true });
    expect((await runtime({ kvmDevice: join(dir, 'no-kvm'), sysModuleDir: modules }).probe()).reason).toMatch(/no-kvm is missing or not read-write/);
  });
});
