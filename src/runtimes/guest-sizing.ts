/**
 * How a task's `resources` become a microVM's size, the same for every VM runtime (qemu,
 * firecracker): a hypervisor's own vCPU range is its `maxVcpus` (Firecracker: 32).
 */

/** vCPUs for `resources.cpus`: fractions round up; at least 1, at most `maxVcpus`. */
export function vcpusFor(cpus: number, maxVcpus = Number.POSITIVE_INFINITY): number {
  return Math.min(maxVcpus, Math.max(1, Math.ceil(cpus)));
}

/**
 * Guest memory for `resources.memory_mib`: at least 128 MiB, because the kernel, the initramfs
 * (unpacked in RAM) and the page cache of the image disks need about 60 MiB first.
 */
export function memoryFor(memoryMib: number): number {
  return Math.max(128, Math.ceil(memoryMib));
}
