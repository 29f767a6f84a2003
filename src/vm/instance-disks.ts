import { join } from 'node:path';
import type { Executor } from '../exec/run-command.js';
import type { PulledImage } from '../images/image-provider.js';
import { buildConfigDisk } from './config-disk.js';
import { buildImageDisk } from './image-disk.js';
import type { RunConfig } from './run-config.js';
import { createScratchDisk } from './scratch-disk.js';

/** The disks of one microVM, in attach order (run-config.ts): vda config, vdb scratch, vdc… images. */
export interface InstanceDisks {
  config: string;
  scratch: string;
  /** One per `config.imageDisks` entry, same order. */
  images: string[];
}

export interface BuildInstanceDisksOptions {
  config: RunConfig;
  /** The pulled images; every digest of `config.imageDisks` must be among them. */
  images: PulledImage[];
  /** The instance's directory: `config.ext4` and `scratch.ext4` are written there (replaced if present). */
  dir: string;
  /** Shared image disks, one per digest: `<imageDiskDir>/<hex>.ext4` (built once, reused). */
  imageDiskDir: string;
  /** The scratch disk's size, and the largest image content accepted (ImageTooLargeError). */
  diskMiB: number;
  /** Values of the file secrets `config` lists, by name (written to the config disk only). */
  secrets?: Readonly<Record<string, string>>;
  exec?: Executor;
}

/**
 * Writes every disk an instance boots with: the shared image disks (built on first use), the
 * config disk (run config, secrets: 0600) and a fresh scratch disk. Safe to re-run for the same
 * instance (a start after a crash): per-instance disks are rebuilt, image disks reused.
 */
export async function buildInstanceDisks(options: BuildInstanceDisksOptions): Promise<InstanceDisks> {
  const { config, exec } = options;
  const byDigest = new Map(options.images.map((image) => [image.digest, image]));
  const images: string[] = [];
  for (const digest of config.imageDisks) {
    const image = byDigest.get(digest);
    if (!image) throw new Error(`image ${digest} of the run config was not pulled`);
    images.push(
      await buildImageDisk({
        cacheDir: options.imageDiskDir,
        digest,
        rootfsDir: image.rootfs,
        name: image.reference,
        limitMiB: options.diskMiB,
        ...(exec ? { exec } : {}),
      }),
    );
  }
  const disks = { config: join(options.dir, 'config.ext4'), scratch: join(options.dir, 'scratch.ext4'), images };
  await buildConfigDisk(disks.config, config, exec, options.secrets ?? {});
  await createScratchDisk(disks.scratch, options.diskMiB, exec);
  return disks;
}
