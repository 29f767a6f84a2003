import type { RuntimeContext } from '../runtime-context.js';
import { defaultMicroVmParts, imageDiskDirOf } from './default-micro-vm-parts.js';
import { QemuRuntime } from './qemu-runtime.js';

/** The QEMU runtime over the real guest kit, disks and control channel of `src/vm/`, as the host agent builds it. */
export function createQemuRuntime(context: RuntimeContext): QemuRuntime {
  return new QemuRuntime({
    stateDir: context.stateDir,
    images: context.images,
    network: context.network,
    vm: defaultMicroVmParts({
      imageDiskDir: imageDiskDirOf(context.stateDir),
      log: (line) => context.log(`guest kit: ${line}`),
      ...(context.kernelPath ? { kernelPath: context.kernelPath } : {}),
    }),
  });
}
