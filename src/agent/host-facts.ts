import { statfs } from 'node:fs/promises';
import { availableParallelism, hostname, networkInterfaces, release, totalmem } from 'node:os';

export interface HostFacts {
  name: string;
  address: string;
  kernel: string;
  capacity: { cpus: number; memory_mib: number; disk_mib: number };
}

const MIB = 1024 * 1024;

/**
 * What a host offers, as the agent reports it at registration: CPUs, memory, the free disk of
 * the state directory (where images and writable layers go), and an address other hosts reach.
 */
export async function hostFacts(stateDir: string, overrides: { name?: string; address?: string } = {}): Promise<HostFacts> {
  const fs = await statfs(stateDir);
  return {
    name: overrides.name ?? hostNameLabel(hostname()),
    address: overrides.address ?? firstExternalIpv4() ?? '127.0.0.1',
    kernel: release(),
    capacity: {
      cpus: availableParallelism(),
      memory_mib: Math.floor(totalmem() / MIB),
      disk_mib: Math.floor((Number(fs.bavail) * Number(fs.bsize)) / MIB),
    },
  };
}

/** Host names as the API accepts them: lowercase letters, digits, dots and dashes. */
export function hostNameLabel(name: string): string {
  const label = name.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 63);
  return label || 'host';
}

function firstExternalIpv4(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}
