import { join } from 'node:path';
import type { ImageProvider } from '../../images/image-provider.js';
import type { NetworkProvider } from '../../net/network-provider.js';
import { defaultFirecrackerGuest, firecrackerImageDiskDir } from './default-firecracker-guest.js';
import { FirecrackerRuntime } from './firecracker-runtime.js';

export interface CreateFirecrackerRuntimeOptions {
  /** The runtime's own state directory (e.g. `<agent state>/firecracker`): instances, jails, image disks. */
  stateDir: string;
  images: ImageProvider;
  /** `attach(id, 'tap')`: one tap on the bridge per VM. */
  network: NetworkProvider;
  /** An uncompressed vmlinux for the guest instead of Debian's (README.md, "Host requirements"). */
  kernelPath?: string;
  /** Unprivileged uid/gid Firecracker runs as; default 65534. */
  uid?: number;
  gid?: number;
  /** The operator checked that Firecracker boots here: skip the hardware-KVM module heuristic. */
  kvmVerified?: boolean;
  /** Progress lines (guest kit builds). */
  log?: (line: string) => void;
}

/**
 * The Firecracker runtime over the real guest kit and disks of `src/vm/`, as the host agent
 * builds it. Binaries are looked up in PATH (`firecracker`, `jailer`); jails go under
 * `<stateDir>/jailer`, image disks under `<stateDir>/image-disks`.
 */
export function createFirecrackerRuntime(options: CreateFirecrackerRuntimeOptions): FirecrackerRuntime {
  const log = options.log;
  return new FirecrackerRuntime({
    stateDir: options.stateDir,
    network: options.network,
    guest: defaultFirecrackerGuest({
      images: options.images,
      imageDiskDir: firecrackerImageDiskDir(options.stateDir),
      ...(options.kernelPath ? { kernelPath: options.kernelPath } : {}),
      ...(log ? { log } : {}),
    }),
    chrootBaseDir: join(options.stateDir, 'jailer'),
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    ...(options.gid !== undefined ? { gid: options.gid } : {}),
    ...(options.kvmVerified !== undefined ? { kvmVerified: options.kvmVerified } : {}),
  });
}
