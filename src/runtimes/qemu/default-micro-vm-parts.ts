import { join } from 'node:path';
import { type Executor, runCommand } from '../../exec/run-command.js';
import { buildConfigDisk } from '../../vm/config-disk.js';
import { ControlClient } from '../../vm/control-client.js';
import { ensureGuestKit } from '../../vm/guest-kit.js';
import { buildImageDisk } from '../../vm/image-disk.js';
import { createScratchDisk } from '../../vm/scratch-disk.js';
import type { MicroVmParts } from './micro-vm-parts.js';

export interface DefaultMicroVmPartsOptions {
  /** Shared image disks go to `<imageDiskDir>/<hex>.ext4` (e.g. `<agent state>/qemu/image-disks`). */
  imageDiskDir: string;
  /** Guest kit cache; default `ensureGuestKit`'s (`~/.cache/bubo/kit`). */
  kitCacheDir?: string;
  /** Your own uncompressed vmlinux instead of Debian's (see `ensureGuestKit`). */
  kernelPath?: string;
  /** Progress lines of a kit build. */
  log?: (line: string) => void;
  exec?: Executor;
}

/** The real `src/vm/` parts: guest kit, image/config/scratch disks, control channel. */
export function defaultMicroVmParts(options: DefaultMicroVmPartsOptions): MicroVmParts {
  const exec = options.exec ?? runCommand;
  return {
    guestKit: () =>
      ensureGuestKit({
        exec,
        ...(options.kitCacheDir ? { cacheDir: options.kitCacheDir } : {}),
        ...(options.kernelPath ? { kernelPath: options.kernelPath } : {}),
        ...(options.log ? { log: options.log } : {}),
      }),
    imageDisk: (image, limitMiB) =>
      buildImageDisk({ cacheDir: options.imageDiskDir, digest: image.digest, rootfsDir: image.rootfs, name: image.reference, limitMiB, exec }),
    scratchDisk: (path, sizeMiB) => createScratchDisk(path, sizeMiB, exec),
    configDisk: (path, config, secrets) => buildConfigDisk(path, config, exec, secrets),
    connectControl: (socketPath) => ControlClient.connect(socketPath, { timeoutMs: 5_000 }),
  };
}

/** Where `defaultMicroVmParts` keeps image disks under the runtime's state directory. */
export function imageDiskDirOf(stateDir: string): string {
  return join(stateDir, 'image-disks');
}
