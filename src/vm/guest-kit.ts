import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type Executor, runCommand } from '../exec/run-command.js';
import { buildInitramfs } from './build-initramfs.js';
import { extractKernel } from './extract-kernel.js';
import { withFileLock } from './file-lock.js';
import { GuestKitError } from './guest-kit-error.js';
import { guestScripts } from './guest-scripts.js';
import { type KernelPackage, resolveKernelPackage } from './kernel-package.js';
import type { GuestBus } from './module-order.js';

/** Bumped whenever the kit's layout or build changes in a way the inputs do not show. */
export const KIT_FORMAT = 1;

/** A kernel and an initramfs ready to boot a microVM (PVH under QEMU, or Firecracker). */
export interface GuestKit {
  /** The cache key: a hash of every input. */
  version: string;
  dir: string;
  /** Uncompressed ELF vmlinux (PVH note present); boot it with `-kernel`. */
  kernel: string;
  /** Uncompressed newc cpio: busybox, the guest init, the modules; boot it with `-initrd`. */
  initramfs: string;
  /** `6.1.0-56-amd64`, or `custom` for a kernel given by path. */
  kernelVersion: string;
  /** Module names in insmod order, per bus (empty for a custom kernel: drivers must be built in). */
  modules: Record<GuestBus, string[]>;
}

export interface EnsureGuestKitOptions {
  /** Default `${XDG_CACHE_HOME:-~/.cache}/bubo/kit`; the kit lives in `<cacheDir>/<version>/`. */
  cacheDir?: string;
  /** Progress lines ("guest kit: downloading linux-image-…"). */
  log?: (line: string) => void;
  /**
   * Your own uncompressed vmlinux instead of Debian's: it must have every driver the guest uses
   * built in (virtio-mmio or virtio-pci, virtio-blk/net/console, ext4, overlayfs), since the kit
   * then holds no modules. Firecracker needs exactly this: it boots only an uncompressed vmlinux
   * and announces its virtio-mmio devices on the command line (CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES=y,
   * which Debian's kernel lacks).
   */
  kernelPath?: string;
  /**
   * Build the kit when it is not cached (default true). False: fail with a GuestKitError that says
   * to run `bubo kit build` (an agent probing its runtimes must not spend a minute downloading).
   */
  build?: boolean;
  /** The static busybox copied into the initramfs; default `/bin/busybox` (Debian's busybox-static). */
  busyboxPath?: string;
  exec?: Executor;
}

interface KitInputs {
  kernel: { package: KernelPackage } | { path: string; size: number; mtimeMs: number };
  busyboxSha256: string;
  /** Not part of the key (only its content is). */
  busyboxPath: string;
  scripts: Record<string, string>;
}

export function defaultKitCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'bubo', 'kit');
}

const inFlight = new Map<string, Promise<GuestKit>>();

/**
 * Returns the guest kit, building it on first use (about a minute: a kernel package download,
 * depmod, decompression) into `<cacheDir>/<key>/`, where key hashes every input: the kernel
 * package and version (or the custom kernel's path, size and mtime), busybox's content, the guest
 * scripts and KIT_FORMAT. The build happens in a temp directory renamed into place; callers in
 * one process share one build, other processes wait on a lock file.
 */
export async function ensureGuestKit(options: EnsureGuestKitOptions = {}): Promise<GuestKit> {
  const exec = options.exec ?? runCommand;
  const log = options.log ?? (() => {});
  const cacheDir = options.cacheDir ?? defaultKitCacheDir();
  const inputs = await kitInputs(options, exec);
  const version = kitKey(inputs);
  const dir = join(cacheDir, version);
  let pending = inFlight.get(dir);
  if (!pending) {
    pending = (async () => {
      const cached = await readKit(dir);
      if (cached) return cached;
      if (options.build === false) {
        throw new GuestKitError(`The microVM guest kit is not built (expected ${dir}); run \`bubo kit build\``);
      }
      await mkdir(cacheDir, { recursive: true });
      return withFileLock(join(cacheDir, `${version}.lock`), async () => (await readKit(dir)) ?? buildKit(dir, version, inputs, exec, log), {
        onWait: (pid) => log(`guest kit: waiting for another build (pid ${pid ?? '?'}) of ${dir}`),
      });
    })().finally(() => inFlight.delete(dir));
    inFlight.set(dir, pending);
  }
  return pending;
}

async function kitInputs(options: EnsureGuestKitOptions, exec: Executor): Promise<KitInputs> {
  const busyboxPath = options.busyboxPath ?? '/bin/busybox';
  const busybox = await readFile(busyboxPath).catch(() => {
    throw new GuestKitError(`Cannot build the guest kit: no static busybox at ${busyboxPath}; install it with \`apt-get install busybox-static\`, then run \`bubo kit build\``);
  });
  const scripts = await guestScripts();
  if (options.kernelPath) {
    const path = options.kernelPath;
    const info = await stat(path).catch(() => {
      throw new GuestKitError(`Cannot use the kernel at ${path}: the file does not exist`);
    });
    const head = Buffer.alloc(4);
    const handle = await open(path, 'r');
    await handle.read(head, 0, 4, 0).finally(() => handle.close());
    if (!head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) {
      throw new GuestKitError(`Cannot use the kernel at ${path}: it is not an uncompressed ELF vmlinux (a bzImage/vmlinuz cannot boot with PVH or Firecracker)`);
    }
    return { kernel: { path, size: info.size, mtimeMs: info.mtimeMs }, busyboxSha256: sha256(busybox), busyboxPath, scripts };
  }
  return { kernel: { package: await resolveKernelPackage(exec) }, busyboxSha256: sha256(busybox), busyboxPath, scripts };
}

function kitKey({ busyboxPath: _path, ...inputs }: KitInputs): string {
  return createHash('sha256')
    .update(JSON.stringify({ format: KIT_FORMAT, ...inputs }))
    .digest('hex')
    .slice(0, 16);
}

async function readKit(dir: string): Promise<GuestKit | null> {
  const text = await readFile(join(dir, 'kit.json'), 'utf8').catch(() => null);
  if (text === null) return null;
  const kit = JSON.parse(text) as GuestKit;
  // kit.json stores file names; the directory may have been moved.
  return { version: kit.version, dir, kernel: join(dir, kit.kernel), initramfs: join(dir, kit.initramfs), kernelVersion: kit.kernelVersion, modules: kit.modules };
}

async function buildKit(dir: string, version: string, inputs: KitInputs, exec: Executor, log: (line: string) => void): Promise<GuestKit> {
  const started = Date.now();
  const tmp = `${dir}.building-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    let kernelVersion = 'custom';
    let modules: Record<GuestBus, { name: string; file: string }[]> = { mmio: [], pci: [] };
    if ('package' in inputs.kernel) {
      const pkg = inputs.kernel.package;
      kernelVersion = pkg.kernelVersion;
      const extracted = await extractKernel(pkg, join(tmp, 'work'), join(tmp, 'vmlinux'), exec, log);
      modules = extracted.modules;
    } else {
      log(`guest kit: using the kernel at ${inputs.kernel.path}`);
      await exec({ argv: ['cp', '--reflink=auto', inputs.kernel.path, join(tmp, 'vmlinux')] });
    }
    log('guest kit: building the initramfs');
    await buildInitramfs({ out: join(tmp, 'initramfs.cpio'), work: join(tmp, 'initramfs'), busybox: inputs.busyboxPath, modules, exec });
    await rm(join(tmp, 'work'), { recursive: true, force: true });
    await rm(join(tmp, 'initramfs'), { recursive: true, force: true });
    const kit = {
      version,
      kernel: 'vmlinux',
      initramfs: 'initramfs.cpio',
      kernelVersion,
      modules: { mmio: modules.mmio.map((m) => m.name), pci: modules.pci.map((m) => m.name) },
      inputs: 'package' in inputs.kernel ? { kernelPackage: inputs.kernel.package } : { kernelPath: inputs.kernel.path },
      builtAt: new Date().toISOString(),
    };
    await writeFile(join(tmp, 'kit.json'), `${JSON.stringify(kit, null, 2)}\n`);
    await rename(tmp, dir);
    log(`guest kit: built ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return (await readKit(dir)) as GuestKit;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Every kit directory in `cacheDir` (for `bubo kit build --json` and cleanup). */
export async function listKits(cacheDir = defaultKitCacheDir()): Promise<string[]> {
  const names = await readdir(cacheDir).catch(() => [] as string[]);
  return names.filter((n) => /^[0-9a-f]{16}$/.test(n)).map((n) => join(cacheDir, n));
}
