import { join } from 'node:path';
import { createFirecrackerRuntime } from './firecracker/create-firecracker-runtime.js';
import { createQemuRuntime } from './qemu/create-qemu-runtime.js';
import { createRuncRuntime } from './runc/create-runc-runtime.js';
import type { Runtime } from './runtime.js';
import type { RuntimeContext } from './runtime-context.js';

export interface RuntimeRegistration {
  name: string;
  create(context: RuntimeContext): Runtime;
}

/**
 * Every runtime a host agent can offer, in the order it lists them. A new runtime is its folder
 * (README.md) plus one line here. Each probes whether it can work on the host; one that cannot
 * (Firecracker without hardware KVM or its binaries) says why and is never used.
 */
export const RUNTIME_REGISTRY = [
  { name: 'runc', create: createRuncRuntime },
  { name: 'firecracker', create: createFirecrackerRuntime },
  { name: 'qemu', create: createQemuRuntime },
] as const satisfies readonly RuntimeRegistration[];

export type RuntimeName = (typeof RUNTIME_REGISTRY)[number]['name'];

export const RUNTIME_NAMES: readonly RuntimeName[] = RUNTIME_REGISTRY.map((r) => r.name);

/** The `wanted` runtimes in table order, each over its own `<stateDir>/<name>`. */
export function createRuntimes(wanted: ReadonlySet<RuntimeName>, stateDir: string, shared: Omit<RuntimeContext, 'stateDir'>): Map<RuntimeName, Runtime> {
  const runtimes = new Map<RuntimeName, Runtime>();
  for (const { name, create } of RUNTIME_REGISTRY) if (wanted.has(name)) runtimes.set(name, create({ ...shared, stateDir: join(stateDir, name) }));
  return runtimes;
}
