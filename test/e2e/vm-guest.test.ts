/**
 * The microVM guest (src/vm) booted for real: QEMU microvm under TCG with the guest kit, the
 * busybox-httpd test image as an image disk, a config disk and a scratch disk. The QEMU command
 * line here is a minimal one of the test's own (runtimes/qemu owns the real one). Three boots,
 * ~4-5 s each on 2 cores.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageCache } from '../../src/images/image-cache.js';
import type { PulledImage } from '../../src/images/image-provider.js';
import type { ContainerSpec } from '../../src/domain/task-spec.js';
import { ControlClient } from '../../src/vm/control-client.js';
import { ensureGuestKit, type GuestKit } from '../../src/vm/guest-kit.js';
import { buildImageDisk } from '../../src/vm/image-disk.js';
import type { GuestNetwork } from '../../src/vm/run-config.js';
import { bootTestGuest, type TestGuest } from '../support/boot-test-guest.js';
import { testImages } from '../support/test-images.js';
import { canBootVms, guestContainer } from '../support/vm-guest-kit.js';

const canRun = canBootVms;
const spec = guestContainer;

interface Vm extends TestGuest {
  dir: string;
  client: ControlClient;
  destroy(): Promise<void>;
}

describe.runIf(canRun)('microVM guest under QEMU TCG', () => {
  let kit: GuestKit;
  let work: string;
  let httpd: PulledImage;
  let imageDisk: string;
  const vms: Vm[] = [];

  beforeAll(async () => {
    kit = await ensureGuestKit();
    work = await mkdtemp(join(tmpdir(), 'bubo-vm-guest-'));
    const images = await testImages();
    httpd = await new ImageCache({ root: join(work, 'images') }).pull(`oci:${images.httpdV1.layout}:${images.httpdV1.tag}`);
    imageDisk = await buildImageDisk({ cacheDir: join(work, 'disks'), digest: httpd.digest, rootfsDir: httpd.rootfs, limitMiB: 256 });
  }, 300_000);

  afterAll(async () => {
    for (const vm of vms) await vm.destroy();
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function boot(
    name: string,
    containers: ContainerSpec[],
    options: { network?: GuestNetwork; tap?: string; secrets?: Record<string, string>; stopSignals?: Record<string, string> } = {},
  ): Promise<Vm> {
    const dir = join(work, name);
    const socket = join(dir, 'ctl.sock');
    const guest = await bootTestGuest({
      dir,
      name,
      app: 'vmtest',
      kit,
      image: httpd,
      imageDisk,
      containers,
      network: options.network ?? null,
      secrets: options.secrets ?? {},
      ...(options.stopSignals ? { stopSignals: options.stopSignals } : {}),
      qemuArgs: [
        '-device', 'virtio-serial-device', '-chardev', `socket,id=ctl,path=${socket},server=on,wait=off`, '-device', 'virtserialport,chardev=ctl,name=ctl0',
        ...(options.tap
          ? ['-netdev', `tap,id=n0,ifname=${options.tap},script=no,downscript=no,vhost=off`, '-device', 'virtio-net-device,netdev=n0,mac=52:54:00:12:34:56']
          : []),
      ],
    });
    const client = await ControlClient.connect(socket, { timeoutMs: 10_000 });
    const vm: Vm = {
      ...guest,
      dir,
      client,
      async destroy() {
        client.close();
        if (guest.qemu.exitCode === null && guest.qemu.signalCode === null) {
          guest.kill();
          await guest.exited;
        }
      },
    };
    vms.push(vm);
    return vm;
  }

  it('runs containers side by side, execs in them, and stops each gracefully with its stop signal on shutdown', async () => {
    const vm = await boot('two-containers', [
      spec('web', { restart: 'always', env: { FROM_TASK: 'task value' }, secrets: [{ name: 'API_KEY', file: null }] }),
      spec('sidecar', {
        command: ['/bin/sh', '-c', "trap 'echo got TERM; exit 0' TERM; echo sidecar up; while :; do sleep 1; done"],
        restart: 'always',
      }),
      // Its image says StopSignal SIGQUIT (as nginx's does). A shell can trap a signal only if it
      // was not ignored when the shell started, so this proves the container got SIGQUIT at default.
      spec('quitter', {
        command: ['/bin/sh', '-c', "trap 'echo got QUIT; exit 0' QUIT; trap 'echo got INT' INT; echo $$ > /tmp/quitter.pid; echo quitter up; while :; do sleep 1; done"],
        restart: 'always',
        stop_timeout_ms: 20_000,
      }),
    ], { secrets: { API_KEY: "k'e y\nz" }, stopSignals: { quitter: 'SIGQUIT' } });
    await vm.waitForConsole(/BUBO_GUEST_READY/, 60_000);
    await vm.client.ping();

    // In web's root (the image's /www workdir, its hostname file), with image env, task env and the secret.
    const inWeb = await vm.client.exec('web', ['sh', '-c', 'pwd; cat /etc/hostname; echo "$VERSION|$FROM_TASK|$API_KEY"; exit 3'], 10_000);
    expect(inWeb).toEqual({ exitCode: 3, output: "/www\ntwo-containers\n1|task value|k'e y\nz\n" });
    // Its own PID namespace: the program is PID 2 under the namespace's init, nothing of sidecar's.
    const ps = await vm.client.exec('sidecar', ['ps', '-o', 'pid,args'], 10_000);
    expect(ps.output).toContain('sleep 1');
    expect(ps.output).not.toContain('httpd');
    // The containers share the VM's network: sidecar reaches web's httpd on localhost.
    const page = await vm.client.exec('sidecar', ['timeout', '5', 'wget', '-q', '-O', '-', 'http://127.0.0.1:80/'], 10_000);
    expect(page.exitCode).toBe(0);
    expect(page.output).toContain('<h1>v1</h1>');
    expect(page.output).toContain('hostname two-containers');

    expect(await vm.client.exec(null, ['no-such-command'], 5000)).toMatchObject({ exitCode: 127 });
    expect(await vm.client.exec('web', ['sleep', '30'], 1000)).toEqual({ exitCode: 124, output: '[bubo] timed out after 1000 ms\n' });
    await expect(vm.client.exec('nope', ['true'], 1000)).rejects.toThrow(/no container named nope/);

    // SIGINT reaches a container program at its default disposition too.
    const interrupt = await vm.client.exec('quitter', ['sh', '-c', 'kill -INT "$(cat /tmp/quitter.pid)"'], 5000);
    expect(interrupt, interrupt.output).toMatchObject({ exitCode: 0 });
    await vm.waitForConsole(/\[quitter\] got INT/, 10_000);

    await vm.client.shutdown();
    expect(await vm.exited).toBe(0);
    const text = await vm.console();
    expect(text).toContain('[sidecar] sidecar up');
    const term = text.indexOf('[sidecar] got TERM');
    expect(term).toBeGreaterThan(text.indexOf('shutdown requested'));
    expect(text).toContain('[bubo-init] container sidecar exited rc=0');
    expect(text).toMatch(/container web exited rc=143/);
    expect(text).toContain('[quitter] got QUIT');
    expect(text).toContain('[bubo-init] container quitter exited rc=0');
    expect(text).not.toContain('container quitter did not stop');
    expect(text.indexOf('powering off')).toBeGreaterThan(term);
  });

  it('configures the network from the run config: the host reaches a container running as another user over a tap', async () => {
    const tag = randomBytes(3).toString('hex');
    const bridge = `bvg${tag}`;
    const tap = `tvg${tag}`;
    const subnet = `10.239.${1 + (randomBytes(1)[0] as number) % 250}`;
    const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
    try {
      ip('link', 'add', bridge, 'type', 'bridge');
      ip('addr', 'add', `${subnet}.1/24`, 'dev', bridge);
      ip('link', 'set', bridge, 'up');
      ip('tuntap', 'add', 'dev', tap, 'mode', 'tap');
      ip('link', 'set', tap, 'master', bridge);
      ip('link', 'set', tap, 'up');
      const vm = await boot('network', [spec('web', { user: '65534:65534', env: { PORT: '8080' }, restart: 'always' })], {
        tap,
        network: { address: `${subnet}.2/24`, gateway: `${subnet}.1`, dns: [`${subnet}.1`], search: ['default.bubo.internal'], mtu: 1450 },
      });
      await vm.waitForConsole(/BUBO_GUEST_READY/, 60_000);
      let body = '';
      for (let i = 0; i < 50 && !body.includes('bubo test v1'); i++) {
        body = await fetch(`http://${subnet}.2:8080/`, { signal: AbortSignal.timeout(2000) })
          .then((r) => r.text())
          .catch(() => '');
        if (!body) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(body).toContain('bubo test v1');
      const inside = await vm.client.exec('web', ['sh', '-c', 'id -u; id -g; cat /etc/resolv.conf; ip -o addr show eth0; cat /sys/class/net/eth0/mtu'], 10_000);
      expect(inside.exitCode).toBe(0);
      expect(inside.output).toMatch(/^65534\n65534\n/);
      expect(inside.output).toContain(`nameserver ${subnet}.1\nsearch default.bubo.internal\n`);
      expect(inside.output).toContain(`inet ${subnet}.2/24`);
      expect(inside.output).toMatch(/\n1450\n$/);
      await vm.client.shutdown();
      expect(await vm.exited).toBe(0);
    } finally {
      for (const link of [tap, bridge]) {
        try {
          ip('link', 'del', link);
        } catch {}
      }
    }
  });

  it('restarts a failed container (restart on-failure) and powers off by itself once every container is done', async () => {
    const vm = await boot('jobs', [
      spec('job', { command: ['/bin/sh', '-c', 'echo job says hi'], restart: 'never' }),
      // Fails on its first run only: /tmp lives in its writable layer, which survives the restart.
      spec('flaky', { command: ['/bin/sh', '-c', '[ -e /tmp/ran ] && { echo second run; exit 0; }; touch /tmp/ran; echo first run; exit 1'], restart: 'on-failure' }),
    ]);
    expect(await Promise.race([vm.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 60_000))])).toBe(0);
    const text = await vm.console();
    expect(text).toContain('[job] job says hi');
    expect(text).toContain('[bubo-init] container job exited rc=0');
    expect(text).toContain('[flaky] first run');
    expect(text).toContain('[bubo-init] container flaky exited rc=1');
    expect(text).toContain('[bubo-init] container flaky restarts in 1s');
    expect(text).toContain('[flaky] second run');
    expect(text).toContain('[bubo-init] container flaky exited rc=0');
    expect(text).toContain('powering off');
  });
});
