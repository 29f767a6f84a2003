import type { Executor } from '../exec/run-command.js';
import { GuestKitError } from './guest-kit-error.js';

/** A Debian kernel image package, e.g. `linux-image-6.1.0-56-amd64` at `6.1.192-2`. */
export interface KernelPackage {
  name: string;
  version: string;
  /** `6.1.0-56-amd64`: the directory under /lib/modules and the vmlinuz suffix. */
  kernelVersion: string;
}

/** The metapackage whose dependency names the current kernel. */
export const KERNEL_METAPACKAGE = 'linux-image-amd64';

/** `apt-cache depends linux-image-amd64` → `linux-image-6.1.0-56-amd64` (the first linux-image dependency). */
export function parseKernelDependency(output: string): string | null {
  for (const line of output.split('\n')) {
    const match = /^\s*Depends:\s*(linux-image-[\w.+-]+)\s*$/.exec(line);
    if (match?.[1] && match[1] !== KERNEL_METAPACKAGE) return match[1];
  }
  return null;
}

/** The `Candidate:` version of `apt-cache policy PKG`, or null when there is none. */
export function parseCandidateVersion(output: string): string | null {
  const match = /^\s*Candidate:\s*(\S+)\s*$/m.exec(output);
  const version = match?.[1];
  return version && version !== '(none)' ? version : null;
}

/** Asks apt which kernel package `linux-image-amd64` currently depends on, and its version. */
export async function resolveKernelPackage(exec: Executor): Promise<KernelPackage> {
  const hint = 'check the apt sources (apt-get update), then run `bubo kit build`; or point the runtime at your own kernel (kernelPath)';
  const depends = await exec({ argv: ['apt-cache', 'depends', KERNEL_METAPACKAGE] }).catch((error: Error) => {
    throw new GuestKitError(`Cannot build the guest kit: apt-cache depends ${KERNEL_METAPACKAGE} failed (${error.message}); ${hint}`);
  });
  const name = parseKernelDependency(depends.stdout);
  if (!name) throw new GuestKitError(`Cannot build the guest kit: apt knows no package ${KERNEL_METAPACKAGE} with a linux-image dependency; ${hint}`);
  const policy = await exec({ argv: ['apt-cache', 'policy', name] });
  const version = parseCandidateVersion(policy.stdout);
  if (!version) throw new GuestKitError(`Cannot build the guest kit: apt has no candidate version of ${name}; ${hint}`);
  return { name, version, kernelVersion: name.slice('linux-image-'.length) };
}
