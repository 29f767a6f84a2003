import { join } from 'node:path';
import type { Executor } from '../../exec/run-command.js';
import type { ImageProvider, PulledImage } from '../../images/image-provider.js';
import { RunConfigError } from '../../vm/build-run-config.js';
import { ensureGuestKit } from '../../vm/guest-kit.js';
import { buildInstanceDisks } from '../../vm/instance-disks.js';
import { instanceRunConfig } from '../../vm/instance-run-config.js';
import { RuntimeStartError } from '../runtime.js';
import type { FirecrackerGuest } from './firecracker-guest.js';

export interface DefaultFirecrackerGuestOptions {
  images: ImageProvider;
  /** Shared image disks: `<imageDiskDir>/<hex>.ext4` (e.g. `<runtime state>/image-disks`). */
  imageDiskDir: string;
  /**
   * Your own uncompressed vmlinux (`ensureGuestKit`'s kernelPath): drivers built in, the kit then
   * holds no modules. Without it the kit boots Debian's kernel, whose virtio-mmio driver finds
   * devices through ACPI only (see README.md: Firecracker ≥ 1.8 describes them in its DSDT).
   */
  kernelPath?: string;
  /** Guest kit cache; default `ensureGuestKit`'s (`~/.cache/bubo/kit`). */
  kitCacheDir?: string;
  /** Progress lines of a kit build. */
  log?: (line: string) => void;
  exec?: Executor;
}

/** Smallest scratch disk: the overlay upper layers and the guest's scratch space need room. */
const MIN_DISK_MIB = 64;

/**
 * The real `src/vm/` behind the Firecracker runtime: the guest kit (built on first use, cached)
 * and, per instance, the images pulled, the run config, the config and scratch disks in the
 * instance's directory and the shared image disks. The same run config and disks as the QEMU
 * runtime's: one guest init for both.
 */
export function defaultFirecrackerGuest(options: DefaultFirecrackerGuestOptions): FirecrackerGuest {
  const { exec } = options;
  return {
    async kit() {
      const kit = await ensureGuestKit({
        ...(exec ? { exec } : {}),
        ...(options.kitCacheDir ? { cacheDir: options.kitCacheDir } : {}),
        ...(options.kernelPath ? { kernelPath: options.kernelPath } : {}),
        ...(options.log ? { log: options.log } : {}),
      });
      return { kernel: kit.kernel, initramfs: kit.initramfs };
    },

    async prepareDisks(request, network, dir, signal) {
      const { spec } = request;
      const pulled = await Promise.all(spec.containers.map((c) => pull(options.images, c.image, signal)));
      let config: Awaited<ReturnType<typeof instanceRunConfig>>;
      try {
        config = await instanceRunConfig({
          instanceId: request.id,
          app: request.app,
          containers: spec.containers,
          resources: spec.resources,
          images: pulled,
          network,
          // Config disk only, never the kernel command line or the jailer's argv.
          secrets: request.secrets,
        });
      } catch (error) {
        if (error instanceof RunConfigError) throw new RuntimeStartError(`Cannot start instance ${request.id}: ${error.message}`);
        throw error;
      }
      const disks = await buildInstanceDisks({
        config,
        images: pulled,
        dir,
        imageDiskDir: options.imageDiskDir,
        diskMiB: Math.max(MIN_DISK_MIB, spec.resources.disk_mib),
        secrets: request.secrets,
        ...(exec ? { exec } : {}),
      });
      const images = Object.fromEntries(spec.containers.map((c, i) => [c.name, (pulled[i] as PulledImage).digest]));
      return { disks, images };
    },
  };
}

/** Where `defaultFirecrackerGuest` keeps image disks under the runtime's state directory. */
export function firecrackerImageDiskDir(stateDir: string): string {
  return join(stateDir, 'image-disks');
}

async function pull(images: ImageProvider, reference: string, signal?: AbortSignal): Promise<PulledImage> {
  try {
    return await images.pull(reference, signal ? { signal } : {});
  } catch (error) {
    // Pull errors already name the image and say what is wrong with it.
    const message = (error as Error).message;
    throw new RuntimeStartError(message.includes(reference) ? message : `image ${reference}: ${message}`);
  }
}
