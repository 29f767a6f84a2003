import type { RuntimeContext } from '../runtime-context.js';
import { RuncRuntime } from './runc-runtime.js';

/** The runc runtime as the host agent builds it (`runtime-registry.ts`). */
export function createRuncRuntime(context: RuntimeContext): RuncRuntime {
  return new RuncRuntime({
    stateDir: context.stateDir,
    images: context.images,
    network: context.network,
    ...(context.cgroupParent ? { cgroupParent: context.cgroupParent } : {}),
  });
}
