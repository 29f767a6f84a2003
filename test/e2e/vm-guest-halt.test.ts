
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageCache } from '../../src/images/image-cache.js';
import type { PulledImage } from '../../src/images/image-provider.js';
import type { ContainerSpec } from '../../src/domain/task-spec.js';
import { ControlClient } from '../../src/vm/control-client.js';
import { ensureGuestKit, type GuestKit } from '../../src/vm/guest-kit.js';
import { buildImageDisk } from '../../src/vm/image-disk.js';
import { bootTestGuest, type TestGuest } from '../support/boot-test-guest.js';
import { testImages } from '../support/test-images.js';
import { canBootVms, guestContainer } from '../support/vm-guest-kit.js';

const canRun = canBootVms;
const spec = (name: string, over: Partial<ContainerSpec> = {}) => guestContainer(name, { restart: 'always', ...over });

/** A container that stops on SIGTERM after saying so. */
const graceful = spec('graceful', { command: ['/bin/sh', '-c', "trap 'echo got TERM; exit 0' TERM; echo graceful up; while :; do sleep 1; done"] });

interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
}

/**
 * A QMP session of the test's own (the runtime's QmpClient ignores events): negotiates, sends
 * Ctrl+Alt+Del as key presses, and collects events until QEMU closes the socket.
 */
async function sendCtrlAltDel(socketPath: string): Promise<{ events: Promise<QmpEvent[]> }> {
  const socket = createConnection(socketPath);
  const events: QmpEvent[] = [];
  const replies: unknown[] = [];
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
      const message = JSON.parse(buffer.slice(0, end)) as Record<string, unknown>;
      buffer = buffer.slice(end + 1);
      if (typeof message.event === 'string') events.push(message as unknown as QmpEvent);
      else replies.push(message);
    }
  });
  const closed = new Promise<QmpEvent[]>((resolve) => socket.on('close', () => resolve(events)));
  socket.on('error', () => {});
  const waitReplies = async (count: number) => {
    for (let i = 0; replies.length < count; i++) {
      if (i > 100) throw new Error(`QMP: no answer (got ${JSON.stringify(replies)})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await waitReplies(1); // greeting
  socket.write('{"execute":"qmp_capabilities"}\n');
  await waitReplies(2);
  const keys = ['ctrl', 'alt', 'delete'].map((data) => ({ type: 'qcode', data }));
  socket.write(`${JSON.stringify({ execute: 'send-key', arguments: { keys } })}\n`);
  await waitReplies(3);
  expect(replies[2]).toEqual({ return: {} });
  return { events: closed };
}

interface Vm extends TestGuest {
  qmpSocket: string;
  controlSocket: string | null;
}

describe.runIf(canRun)('microVM guest halt paths (Ctrl+Alt+Del → SIGINT to PID 1) under QEMU TCG', () => {
  let kit: GuestKit;
  let work: string;
  let httpd: PulledImage;
  let imageDisk: string;
  const vms: Vm[] = [];

  beforeAll(async () => {
    kit = await ensureGuestKit();
    work = await mkdtemp(join(tmpdir(), 'bubo-vm-halt-'));
    const images = await testImages();
    httpd = await new ImageCache({ root: join(work, 'images') }).pull(`oci:${images.httpdV1.layout}:${images.httpdV1.tag}`);
    imageDisk = await buildImageDisk({ cacheDir: join(work, 'disks'), digest: httpd.digest, rootfsDir: httpd.rootfs, limitMiB: 256 });
  }, 300_000);

  afterAll(async () => {
    for (const vm of vms) vm.kill();
    await Promise.all(vms.map((vm) => vm.exited));
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** Boots with an i8042 (Firecracker has one too) and QMP; a virtio-serial control port unless `serial: false`. */
  async function boot(name: string, containers: ContainerSpec[], options: { bootArgs: string[]; serial: boolean }): Promise<Vm> {
    const dir = join(work, name);
    const qmpSocket = join(dir, 'qmp.sock');
    const controlSocket = options.serial ? join(dir, 'ctl.sock') : null;
    const guest = await bootTestGuest({
      dir,
      name,
      app: 'halttest',
      kit,
      image: httpd,
      imageDisk,
      containers,
      bootArgs: options.bootArgs,
      qemuArgs: [
        '-qmp', `unix:${qmpSocket},server=on,wait=off`, '-device', 'i8042',
        ...(controlSocket
          ? ['-device', 'virtio-serial-device', '-chardev', `socket,id=ctl,path=${controlSocket},server=on,wait=off`, '-device', 'virtserialport,chardev=ctl,name=ctl0']
          : []),
      ],
    });
    const vm: Vm = { ...guest, qmpSocket, controlSocket };
    vms.push(vm);
    return vm;
  }

  it('as under Firecracker (bubo.halt=reboot, bubo.control=vsock): Ctrl+Alt+Del stops every container within its stop timeout, then the guest reboots', async () => {
    const stubborn = spec('stubborn', { command: ['/bin/sh', '-c', "trap '' TERM; echo stubborn up; while :; do sleep 1; done"], stop_timeout_ms: 1500 });
    const vm = await boot('firecracker-like', [graceful, stubborn], { bootArgs: ['bubo.halt=reboot', 'bubo.control=vsock:1024'], serial: false });
    await vm.waitForConsole(/BUBO_GUEST_READY/, 60_000);
    await vm.waitForConsole(/\[graceful\] graceful up[\s\S]*\[stubborn\] stubborn up|\[stubborn\] stubborn up[\s\S]*\[graceful\] graceful up/, 20_000);

    const sentAt = Date.now();
    const { events } = await sendCtrlAltDel(vm.qmpSocket);
    expect(await vm.exited).toBe(0);
    const elapsedMs = Date.now() - sentAt;
    // With -no-reboot, a guest reboot ends QEMU with reason guest-reset (poweroff: guest-shutdown).
    expect((await events).filter((e) => e.event === 'SHUTDOWN').map((e) => e.data)).toEqual([{ guest: true, reason: 'guest-reset' }]);

    const text = await vm.console();
    // No vsock listener in the kit: the guest says so instead of pretending.
    expect(text).toContain('[bubo-init] control channel off: bubo.control=vsock:1024 needs an AF_VSOCK program in the initramfs');
    const requested = text.indexOf('[bubo-init] shutdown requested (Ctrl+Alt+Del): stopping every container');
    expect(requested).toBeGreaterThan(text.indexOf('BUBO_GUEST_READY'));
    expect(text.indexOf('[graceful] got TERM')).toBeGreaterThan(requested);
    expect(text).toContain('[bubo-init] container graceful exited rc=0');
    expect(text).toContain('[bubo-init] container stubborn did not stop within 1500 ms: SIGKILL');
    // Stopped for good: neither restarts although both are `restart: always`.
    expect(text).not.toMatch(/restarts in/);
    const halted = text.indexOf('[bubo-init] every container has exited: rebooting (bubo.halt=reboot)');
    expect(halted).toBeGreaterThan(text.indexOf('container stubborn exited'));
    expect(text).not.toContain('powering off');
    expect(elapsedMs).toBeGreaterThanOrEqual(1500);
  });

  it('by default (QEMU): Ctrl+Alt+Del stops the containers gracefully and the guest powers off; the virtio-serial control channel still answers before', async () => {
    const vm = await boot('qemu-default', [graceful], { bootArgs: [], serial: true });
    const client = await ControlClient.connect(vm.controlSocket as string, { timeoutMs: 10_000 });
    try {
      await vm.waitForConsole(/\[graceful\] graceful up/, 60_000);
      await client.ping();

      const { events } = await sendCtrlAltDel(vm.qmpSocket);
      expect(await vm.exited).toBe(0);
      expect((await events).filter((e) => e.event === 'SHUTDOWN').map((e) => e.data)).toEqual([{ guest: true, reason: 'guest-shutdown' }]);
    } finally {
      client.close();
    }
    const text = await vm.console();
    const requested = text.indexOf('[bubo-init] shutdown requested (Ctrl+Alt+Del): stopping every container');
    expect(requested).toBeGreaterThan(0);
    expect(text.indexOf('[graceful] got TERM')).toBeGreaterThan(requested);
    expect(text.indexOf('[bubo-init] every container has exited: powering off')).toBeGreaterThan(text.indexOf('container graceful exited rc=0'));
    expect(text).not.toContain('control channel off');
  });
});
