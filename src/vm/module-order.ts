/**
 * The kernel modules a guest needs, by name, for each device bus. `modprobe --show-depends`
 * expands them (softdeps included: ext4 needs crc32c) into an insmod order.
 */
export const GUEST_MODULES = {
  mmio: ['virtio_mmio', 'virtio_blk', 'virtio_net', 'virtio_console', 'ext4', 'overlay'],
  pci: ['virtio_pci', 'virtio_blk', 'virtio_net', 'virtio_console', 'ext4', 'overlay'],
} as const;

export type GuestBus = keyof typeof GUEST_MODULES;

/**
 * Parses the concatenated output of `modprobe --show-depends` for several modules into the
 * module files to insmod, in order, each once. `builtin x` lines need nothing; anything else
 * (`modprobe: FATAL ...`) is ignored here and caught by the caller's check that every wanted
 * module resolved.
 */
export function parseShowDepends(output: string): string[] {
  const seen = new Set<string>();
  const order: string[] = [];
  for (const line of output.split('\n')) {
    const match = /^insmod (\S+\.ko(?:\.xz|\.zst|\.gz)?)(?:\s|$)/.exec(line.trim());
    const path = match?.[1];
    if (path && !seen.has(path)) {
      seen.add(path);
      order.push(path);
    }
  }
  return order;
}

/** The module name of a `.ko` path: `/x/kernel/fs/ext4/ext4.ko` → `ext4`; `-` and `_` are the same to the kernel. */
export function moduleName(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base.replace(/\.ko(\.xz|\.zst|\.gz)?$/, '').replaceAll('-', '_');
}
