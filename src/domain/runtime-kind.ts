/**
 * What a task asks for (`runtime = "microvm" | "container"`) and what a host offers. A host offers
 * named runtimes (firecracker, qemu, runc, fake); each name belongs to one kind.
 */
export type RuntimeKind = 'microvm' | 'container';

export const RUNTIME_KINDS: readonly RuntimeKind[] = ['microvm', 'container'];

/** A runtime as a host reports it: available or not, and why not. */
export interface HostRuntime {
  name: string;
  kind: RuntimeKind;
  available: boolean;
  /** Why the runtime cannot run here (missing binary, no KVM...); empty when available. */
  reason?: string;
  /** How it runs when available, for `bubo hosts` (qemu: `tcg: <why not kvm>` or `kvm`). */
  detail?: string;
}

/** Preference order inside a kind: the first available one is used (firecracker before qemu). */
export const RUNTIME_PREFERENCE: Record<RuntimeKind, readonly string[]> = {
  microvm: ['firecracker', 'qemu', 'fake'],
  container: ['runc', 'fake'],
};
