import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Executor, runCommand } from '../exec/run-command.js';
import { pathExists } from '../fs/path-exists.js';
import { imageDiskLabel } from './guest-files.js';
import { imageDiskSizeMiB, mkfsExt4Argv, parseDuKiB } from './mkfs-argv.js';

export interface BuildImageDiskOptions {
  /** Where image disks are kept: `<cacheDir>/<hex>.ext4`, shared by every instance. */
  cacheDir: string;
  /** Manifest digest `sha256:<hex>` of the image. */
  digest: string;
  /** The unpacked rootfs (from the image cache); only read. */
  rootfsDir: string;
  /** The instance's `resources.disk_mib`: an image whose content is larger is refused. */
  limitMiB?: number;
  /** How the image is named in errors (its reference); default the digest. */
  name?: string;
  exec?: Executor;
}

/** An image whose content does not fit the disk the task asked for. */
export class ImageTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageTooLargeError';
  }
}

const building = new Map<string, Promise<string>>();

/**
 * The read-only ext4 disk of an image (label `bi<hex…>`, see guest-files.ts), made once per
 * digest with `mkfs.ext4 -d` (no mount, no root needed beyond reading the rootfs) into a temp file
 * and renamed into place. Returns its path. Attach it read-only: every instance shares it.
 */
export async function buildImageDisk(options: BuildImageDiskOptions): Promise<string> {
  const exec = options.exec ?? runCommand;
  const hex = options.digest.slice('sha256:'.length);
  const label = imageDiskLabel(options.digest);
  const path = join(options.cacheDir, `${hex}.ext4`);
  const sizeFile = join(options.cacheDir, `${hex}.kib`);
  let pending = building.get(path);
  if (!pending) {
    pending = (async () => {
      if (await pathExists(path)) return path;
      await mkdir(options.cacheDir, { recursive: true });
      const kib = parseDuKiB((await exec({ argv: ['du', '-s', '-k', options.rootfsDir] })).stdout);
      checkFits(options, kib);
      const tmp = join(options.cacheDir, `.${hex}.${process.pid}.${Date.now()}.tmp`);
      try {
        await exec(mkfsExt4Argv({ file: tmp, label, sizeMiB: imageDiskSizeMiB(kib), fromDir: options.rootfsDir, journal: false }));
        await writeFile(sizeFile, `${kib}\n`);
        await rename(tmp, path);
      } finally {
        await rm(tmp, { force: true });
      }
      return path;
    })().finally(() => building.delete(path));
    building.set(path, pending);
  }
  await pending;
  const kib = Number.parseInt(await readFile(sizeFile, 'utf8').catch(() => '0'), 10);
  checkFits(options, kib);
  return path;
}

function checkFits(options: BuildImageDiskOptions, kib: number): void {
  if (options.limitMiB === undefined) return;
  const mib = Math.ceil(kib / 1024);
  if (mib > options.limitMiB) {
    throw new ImageTooLargeError(
      `image ${options.name ?? options.digest} needs ${mib} MiB but the task's disk is ${options.limitMiB} MiB (resources.disk); raise resources.disk to at least ${mib} MiB`,
    );
  }
}

