import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PulledImage } from '../../src/images/image-provider.js';
import type { ContainerSpec } from '../../src/domain/task-spec.js';
import { buildRunConfig } from '../../src/vm/build-run-config.js';
import { buildConfigDisk } from '../../src/vm/config-disk.js';
import type { GuestKit } from '../../src/vm/guest-kit.js';
import type { GuestNetwork } from '../../src/vm/run-config.js';
import { createScratchDisk } from '../../src/vm/scratch-disk.js';
import { hostTscKhz } from './vm-guest-kit.js';

export interface TestGuestOptions {
  dir: string;
  name: string;
  app: string;
  kit: GuestKit;
  /** Every container runs this image, from `imageDisk`. */
  image: PulledImage;
  imageDisk: string;
  containers: ContainerSpec[];
  network?: GuestNetwork | null;
  secrets?: Record<string, string>;
  /** Per container name: the image's StopSignal as that container sees it. */
  stopSignals?: Record<string, string>;
  /** Extra kernel command line words. */
  bootArgs?: string[];
  /** Extra QEMU arguments (devices, QMP, a NIC). */
  qemuArgs?: string[];
}

export interface TestGuest {
  qemu: ChildProcess;
  /** QEMU's exit code once it exits by itself (or is killed: null). */
  exited: Promise<number | null>;
  console(): Promise<string>;
  waitForConsole(pattern: RegExp, timeoutMs: number): Promise<string>;
  kill(): void;
}

/**
 * Boots the guest kit under QEMU TCG (microvm) with a config, scratch and image disk, the way the
 * guest tests need it: a minimal command line of the tests' own (runtimes/qemu owns the real one),
 * the console in `dir/console.log`.
 */
export async function bootTestGuest(o: TestGuestOptions): Promise<TestGuest> {
  await mkdir(o.dir, { recursive: true });
  const accounts = { passwd: await readFile(join(o.image.rootfs, 'etc/passwd'), 'utf8'), group: await readFile(join(o.image.rootfs, 'etc/group'), 'utf8') };
  const config = buildRunConfig({
    instanceId: o.name,
    app: o.app,
    containers: o.containers,
    resources: { cpus: 1, memory_mib: 256, disk_mib: 256 },
    images: o.containers.map((c) => {
      const stop = o.stopSignals?.[c.name];
      return { digest: o.image.digest, config: stop ? { ...o.image.config, StopSignal: stop } : o.image.config, accounts };
    }),
    network: o.network ?? null,
    secrets: o.secrets ?? {},
  });
  await buildConfigDisk(join(o.dir, 'config.ext4'), config);
  await createScratchDisk(join(o.dir, 'scratch.ext4'), 256);
  const drive = (id: string, file: string, readonly: boolean) => [
    '-drive',
    `id=${id},file=${file},format=raw,if=none,cache=unsafe${readonly ? ',readonly=on' : ''}`,
    '-device',
    `virtio-blk-device,drive=${id}`,
  ];
  const consoleLog = join(o.dir, 'console.log');
  const append = ['console=ttyS0', 'quiet', 'panic=-1', 'reboot=t', `tsc_early_khz=${hostTscKhz()}`, ...(o.bootArgs ?? [])].join(' ');
  const argv = [
    '-M', 'microvm,x-option-roms=off,isa-serial=on,rtc=on', '-accel', 'tcg', '-cpu', 'max', '-m', '256', '-smp', '1',
    '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot', '-serial', `file:${consoleLog}`,
    '-kernel', o.kit.kernel, '-initrd', o.kit.initramfs, '-append', append,
    ...drive('config', join(o.dir, 'config.ext4'), true),
    ...drive('scratch', join(o.dir, 'scratch.ext4'), false),
    ...drive('image0', o.imageDisk, true),
    ...(o.qemuArgs ?? []),
  ];
  const qemu = spawn('qemu-system-x86_64', argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  qemu.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => qemu.on('exit', (code) => resolve(code)));
  const readConsole = () => readFile(consoleLog, 'utf8').catch(() => '');
  return {
    qemu,
    exited,
    console: readConsole,
    async waitForConsole(pattern, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = await readConsole();
        if (pattern.test(text)) return text;
        if (/BUBO_GUEST_FAILED/.test(text)) throw new Error(`the guest failed:\n${text}`);
        if (Date.now() > deadline || qemu.exitCode !== null) throw new Error(`console never matched ${pattern}; QEMU stderr: ${stderr}\nconsole:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    kill() {
      if (qemu.exitCode === null && qemu.signalCode === null) qemu.kill('SIGKILL');
    },
  };
}
