import { chmod, copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Executor } from '../exec/run-command.js';
import { guestScripts } from './guest-scripts.js';
import type { GuestBus } from './module-order.js';

export interface BuildInitramfsOptions {
  /** The cpio archive to write (uncompressed newc: nothing to decompress in the guest). */
  out: string;
  /** Scratch directory for the tree; left for the caller to remove. */
  work: string;
  busybox: string;
  modules: Record<GuestBus, { name: string; file: string }[]>;
  exec: Executor;
}

/**
 * The initramfs tree, all owned by root:
 *
 *   /init                 guest/init.sh (PID 1 for the VM's whole life; no switch_root)
 *   /bubo/*.sh            the other guest scripts
 *   /bin/busybox, /bin/*  static busybox and one symlink per applet
 *   /lib/modules/*.ko     the modules, flat
 *   /modules.mmio|pci     their file names in insmod order, one per line
 */
export async function buildInitramfs(options: BuildInitramfsOptions): Promise<void> {
  const { work, exec } = options;
  for (const dir of ['bin', 'bubo', 'dev', 'proc', 'sys', 'run', 'tmp', 'mnt', 'etc', 'root', 'lib/modules']) {
    await mkdir(join(work, dir), { recursive: true });
  }
  await copyFile(options.busybox, join(work, 'bin/busybox'));
  await chmod(join(work, 'bin/busybox'), 0o755);
  const applets = (await exec({ argv: [options.busybox, '--list'] })).stdout.split('\n').filter((a) => /^[\w.[-]+$/.test(a) && a !== 'busybox');
  for (const applet of applets) await symlink('busybox', join(work, 'bin', applet));
  for (const [name, content] of Object.entries(await guestScripts())) {
    const target = name === 'init.sh' ? join(work, 'init') : join(work, 'bubo', name);
    await writeFile(target, content, { mode: 0o755 });
  }
  for (const [bus, modules] of Object.entries(options.modules)) {
    for (const m of modules) await copyFile(m.file, join(work, 'lib/modules', basename(m.file)));
    await writeFile(join(work, `modules.${bus}`), modules.map((m) => `${basename(m.file)}\n`).join(''));
  }
  await chmod(join(work, 'tmp'), 0o1777);
  const files = (await exec({ argv: ['find', '.', '-mindepth', '1'], cwd: work })).stdout;
  await exec({ argv: ['cpio', '-o', '-H', 'newc', '-R', '0:0', '--quiet', '-F', options.out], cwd: work, input: files });
}
