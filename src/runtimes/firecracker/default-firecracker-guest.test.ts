import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ImageProvider, PulledImage } from '../../images/image-provider.js';
import type { InstanceNetwork, NetworkProvider } from '../../net/network-provider.js';
import type { ContainerSpec, TaskSpec } from '../../domain/task-spec.js';
import { CONFIG_DISK_LABEL, imageDiskLabel, SCRATCH_DISK_LABEL } from '../../vm/guest-files.js';
import type { RunConfig } from '../../vm/run-config.js';
import { RuntimeStartError, type StartRequest } from '../runtime.js';
import { defaultFirecrackerGuest, firecrackerImageDiskDir } from './default-firecracker-guest.js';
import { FirecrackerRuntime } from './firecracker-runtime.js';
import { JAIL_PATHS } from './jailer-argv.js';
import { FakeFirecracker } from './test-fake-firecracker.js';
import { FirecrackerSpec } from './test-firecracker-spec.js';

/** The real disk builders need e2fsprogs (mkfs.ext4 -d, debugfs, e2label); the kit needs a static busybox and cpio. */
const hasTools = (() => {
  try {
    for (const tool of ['mkfs.ext4', 'debugfs', 'e2label', 'cpio']) execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    statSync('/bin/busybox');
    return true;
  } catch {
    return false;
  }
})();

const DIGEST = `sha256:${'ab12'.repeat(16)}`;

/** A tiny image: its rootfs on disk, a config with entrypoint, env, workdir and a named user. */
class TestImages implements ImageProvider {
  readonly pulls: string[] = [];
  constructor(private readonly rootfs: string) {}
  async pull(reference: string): Promise<PulledImage> {
    this.pulls.push(reference);
    if (reference.startsWith('missing/')) throw new Error(`manifest unknown: ${reference} is not in the registry`);
    return {
      reference,
      digest: DIGEST,
      rootfs: this.rootfs,
      config: { Entrypoint: ['/bin/httpd'], Cmd: ['-f', '-p', '80'], Env: ['PATH=/bin', 'VERSION=1'], WorkingDir: '/www', User: 'www' },
    };
  }
}

const container = (name: string, over: Partial<ContainerSpec> = {}): ContainerSpec => ({
  name,
  image: 'registry.test/bubo/httpd:1',
  command: null,
  args: null,
  env: { FROM_TASK: 'yes' },
  workdir: null,
  user: null,
  secrets: [],
  restart: 'always',
  stop_timeout_ms: 7000,
  ...over,
});

function request(id: string, containers: ContainerSpec[], diskMib = 80): StartRequest {
  const spec: TaskSpec = {
    app: 'shop',
    namespace: 'default',
    group: 'main',
    count: 1,
    runtime: 'microvm',
    resources: { cpus: 1, memory_mib: 256, disk_mib: diskMib },
    containers,
    ports: [],
    check: null,
    deploy: { strategy: 'rolling', max_unavailable: 1, max_surge: 1, healthy_deadline_ms: 60_000, drain_delay_ms: 2_000, switch_grace_ms: 30_000 },
    volumes: [],
  };
  return { id, app: 'shop', namespace: 'default', release: 1, slot: 0, spec, secrets: {} };
}

const tapNetwork = (id: string): InstanceNetwork => ({
  instanceId: id,
  netnsPath: '',
  hostInterface: `bt-${id}`,
  address: '10.210.0.7',
  prefixLength: 24,
  gateway: '10.210.0.1',
  dns: '10.210.0.1',
  mtu: 1450,
});

const label = (disk: string) => execFileSync('e2label', [disk], { encoding: 'utf8' }).trim();
const readOnDisk = (disk: string, file: string) => execFileSync('debugfs', ['-R', `cat /${file}`, disk], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

let dir: string;
let state: string;
let images: TestImages;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bubo-fc-guest-'));
  state = join(dir, 'state');
  const rootfs = join(dir, 'rootfs');
  mkdirSync(join(rootfs, 'etc'), { recursive: true });
  mkdirSync(join(rootfs, 'www'), { recursive: true });
  writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nwww:x:33:44:www:/www:/bin/false\n');
  writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\nwww:x:44:\n');
  writeFileSync(join(rootfs, 'www/index.html'), '<h1>v1</h1>\n');
  images = new TestImages(rootfs);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe.runIf(hasTools)('defaultFirecrackerGuest with the real disk builders', () => {
  test('writes the config, scratch and image disks with their labels, and the run config on the config disk', async () => {
    const guest = defaultFirecrackerGuest({ images, imageDiskDir: firecrackerImageDiskDir(state) });
    const instanceDir = join(state, 'instances', 'web-1');
    mkdirSync(instanceDir, { recursive: true });
    const { disks, images: digests } = await guest.prepareDisks(request('web-1', [container('web'), container('sidecar', { command: ['/bin/sh', '-c', 'sleep 1000'] })]), tapNetwork('web-1'), instanceDir);

    expect(digests).toEqual({ web: DIGEST, sidecar: DIGEST });
    expect(disks.config).toBe(join(instanceDir, 'config.ext4'));
    expect(disks.scratch).toBe(join(instanceDir, 'scratch.ext4'));
    // Both containers use one image: one shared disk, under the runtime's image-disk directory.
    expect(disks.images).toEqual([join(state, 'image-disks', `${DIGEST.slice(7)}.ext4`)]);
    expect(label(disks.config)).toBe(CONFIG_DISK_LABEL);
    expect(label(disks.scratch)).toBe(SCRATCH_DISK_LABEL);
    expect(label(disks.images[0] as string)).toBe(imageDiskLabel(DIGEST));
    expect(statSync(disks.config).mode & 0o777).toBe(0o600); // it carries the secrets
    expect(statSync(disks.scratch).size).toBe(80 * 1024 * 1024);
    expect(readOnDisk(disks.images[0] as string, 'www/index.html')).toBe('<h1>v1</h1>\n');

    const config = JSON.parse(readOnDisk(disks.config, 'run.json')) as RunConfig;
    expect(config).toMatchObject({
      version: 1,
      instanceId: 'web-1',
      network: { address: '10.210.0.7/24', gateway: '10.210.0.1', dns: ['10.210.0.1'], search: [], mtu: 1450 },
      imageDisks: [DIGEST],
    });
    expect(config.containers.map((c) => [c.name, c.imageDisk, c.args, c.workdir, c.user, c.stopTimeoutMs])).toEqual([
      ['web', 0, ['/bin/httpd', '-f', '-p', '80'], '/www', '33:44', 7000],
      ['sidecar', 0, ['/bin/sh', '-c', 'sleep 1000'], '/www', '33:44', 7000],
    ]);
    expect(config.containers[0]?.env).toEqual(expect.arrayContaining(['VERSION=1', 'FROM_TASK=yes', 'BUBO_INSTANCE=web-1']));
    expect(readOnDisk(disks.config, 'hostname')).toBe('web-1\n');
  });

  test('puts the secrets on the config disk only: env secrets in the env, each file secret as its own 0600 file listed in run.json without its value', async () => {
    const guest = defaultFirecrackerGuest({ images, imageDiskDir: firecrackerImageDiskDir(state) });
    const instanceDir = join(state, 'instances', 'sec-1');
    mkdirSync(instanceDir, { recursive: true });
    const secrets = [
      { name: 'API_KEY', file: null },
      { name: 'TLS_KEY', file: '/run/secrets/tls.pem' },
    ];
    const start = { ...request('sec-1', [container('web', { secrets })]), secrets: { API_KEY: 'api-key-VALUE', TLS_KEY: 'tls-key-VALUE\n' } };
    const { disks } = await guest.prepareDisks(start, tapNetwork('sec-1'), instanceDir);
    const config = JSON.parse(readOnDisk(disks.config, 'run.json')) as RunConfig;
    expect(config.containers[0]?.env).toContain('API_KEY=api-key-VALUE');
    expect(config.containers[0]?.secretFiles).toEqual([{ name: 'TLS_KEY', path: '/run/secrets/tls.pem', file: 'c0-TLS_KEY.secret' }]);
    expect(readOnDisk(disks.config, 'run.json')).not.toContain('tls-key-VALUE');
    expect(readOnDisk(disks.config, 'c0-TLS_KEY.secret')).toBe('tls-key-VALUE\n');
    expect(execFileSync('debugfs', ['-R', 'stat /c0-TLS_KEY.secret', disks.config], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })).toMatch(/Mode: +0600/);
    expect(readOnDisk(disks.config, 'c0.sh')).toMatch(/^C_SECRET_FILES=.*c0-TLS_KEY\.secret.*\/run\/secrets\/tls\.pem.*$/m);
  });

  test('an instance without a NIC gets no guest network; the scratch disk is at least 64 MiB; a re-run rebuilds the per-instance disks and reuses the image disk', async () => {
    const guest = defaultFirecrackerGuest({ images, imageDiskDir: firecrackerImageDiskDir(state) });
    const instanceDir = join(state, 'instances', 'job-1');
    mkdirSync(instanceDir, { recursive: true });
    const noNic = { ...tapNetwork('job-1'), hostInterface: '' };
    const first = await guest.prepareDisks(request('job-1', [container('job')], 20), noNic, instanceDir);
    expect(statSync(first.disks.scratch).size).toBe(64 * 1024 * 1024);
    expect((JSON.parse(readOnDisk(first.disks.config, 'run.json')) as RunConfig).network).toBeNull();

    const imageBefore = statSync(first.disks.images[0] as string);
    writeFileSync(first.disks.config, 'stale');
    const again = await guest.prepareDisks(request('job-1', [container('job')], 20), noNic, instanceDir);
    expect(again.disks).toEqual(first.disks);
    expect(label(again.disks.config)).toBe(CONFIG_DISK_LABEL);
    expect(statSync(again.disks.images[0] as string).mtimeMs).toBe(imageBefore.mtimeMs);
  });

  test('a failed pull and a task the guest cannot run are start errors that say what is wrong', async () => {
    const guest = defaultFirecrackerGuest({ images, imageDiskDir: firecrackerImageDiskDir(state) });
    const instanceDir = join(state, 'instances', 'bad-1');
    mkdirSync(instanceDir, { recursive: true });
    const missing = guest.prepareDisks(request('bad-1', [container('web', { image: 'missing/app:1' })]), tapNetwork('bad-1'), instanceDir);
    await expect(missing).rejects.toThrow(RuntimeStartError);
    await expect(missing).rejects.toThrow(/missing\/app:1 is not in the registry/);
    const noUser = guest.prepareDisks(request('bad-1', [container('web', { user: 'nobody-here' })]), tapNetwork('bad-1'), instanceDir);
    await expect(noUser).rejects.toThrow(/^Cannot start instance bad-1: .*nobody-here/);
  });

  test('kit() builds the guest kit around the configured kernel (no modules) and returns its paths', async () => {
    const kernel = join(dir, 'vmlinux');
    writeFileSync(kernel, Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(60)]));
    const guest = defaultFirecrackerGuest({ images, imageDiskDir: firecrackerImageDiskDir(state), kernelPath: kernel, kitCacheDir: join(dir, 'kit') });
    const kit = await guest.kit();
    expect(kit.kernel.startsWith(join(dir, 'kit'))).toBe(true);
    expect(readFileSync(kit.kernel)).toEqual(readFileSync(kernel));
    const files = execFileSync('cpio', ['-t', '--quiet', '-F', kit.initramfs as string], { encoding: 'utf8' }).split('\n');
    expect(files).toEqual(expect.arrayContaining(['init', 'bubo/ctl.sh', 'bin/busybox', 'modules.mmio']));
    expect(readFileSync(kit.initramfs as string).includes(Buffer.from('.ko\n'))).toBe(false);
    await expect(defaultFirecrackerGuest({ images, imageDiskDir: state, kernelPath: join(dir, 'nope'), kitCacheDir: join(dir, 'kit') }).kit()).rejects.toThrow(
      /Cannot use the kernel at .*nope: the file does not exist/,
    );
  });
});

describe.runIf(hasTools && process.getuid?.() === 0)('FirecrackerRuntime over defaultFirecrackerGuest (fake jailer + API, real disks)', () => {
  test('the jail gets the real disks and kit, the boot args ask for a reboot halt and the vsock control port; stop removes everything', async () => {
    const kernel = join(dir, 'vmlinux');
    writeFileSync(kernel, Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(60)]));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    for (const name of ['firecracker', 'jailer']) {
      writeFileSync(join(bin, name), '#!/bin/sh\n');
      chmodSync(join(bin, name), 0o755);
    }
    const attached = new Set<string>();
    const network: NetworkProvider = {
      setupHost: async () => {},
      attach: async (id) => {
        attached.add(id);
        return tapNetwork(id);
      },
      detach: async (id) => {
        attached.delete(id);
      },
      list: async () => [...attached],
    };
    const fake = new FakeFirecracker(new FirecrackerSpec());
    const runtime = new FirecrackerRuntime({
      stateDir: state,
      network,
      guest: defaultFirecrackerGuest({ images, imageDiskDir: firecrackerImageDiskDir(state), kernelPath: kernel, kitCacheDir: join(dir, 'kit') }),
      firecracker: join(bin, 'firecracker'),
      jailer: join(bin, 'jailer'),
      cgroupVersion: 1,
      cgroupRoot: join(dir, 'cgroup'),
      processes: fake,
    });
    try {
      expect(await runtime.start(request('web-1', [container('web')]))).toMatchObject({ state: 'running', images: { web: DIGEST } });
      expect(fake.requests.flatMap((r) => r.errors)).toEqual([]);
      const boot = fake.requests.find((r) => r.path === '/boot-source')?.body as { boot_args: string };
      expect(boot.boot_args.split(' ')).toEqual(expect.arrayContaining(['reboot=k', 'bubo.halt=reboot', 'bubo.control=vsock:1024']));
      const jail = join(state, 'jailer', 'firecracker', 'web-1', 'root');
      expect(label(join(jail, JAIL_PATHS.config))).toBe(CONFIG_DISK_LABEL);
      expect(label(join(jail, JAIL_PATHS.scratch))).toBe(SCRATCH_DISK_LABEL);
      expect(label(join(jail, JAIL_PATHS.image(0)))).toBe(imageDiskLabel(DIGEST));
      expect(readFileSync(join(jail, JAIL_PATHS.kernel))).toEqual(readFileSync(kernel));
      expect(statSync(join(jail, JAIL_PATHS.initrd)).size).toBeGreaterThan(1_000_000);

      await runtime.stop('web-1', 1_000);
      expect(fake.requests.at(-1)?.body).toEqual({ action_type: 'SendCtrlAltDel' });
      expect(existsSync(jail)).toBe(false);
      expect(existsSync(join(state, 'instances', 'web-1'))).toBe(false);
      // The shared image disk stays for the next instance.
      expect(existsSync(join(state, 'image-disks', `${DIGEST.slice(7)}.ext4`))).toBe(true);
    } finally {
      await fake.close();
    }
  });
});
