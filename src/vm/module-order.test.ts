import { describe, expect, it } from 'vitest';
import { moduleName, parseShowDepends } from './module-order.js';

describe('parseShowDepends', () => {
  it('keeps insmod lines in order, each module once, and skips builtin lines', () => {
    const output = [
      'insmod /k/root/lib/modules/6.1.0-56-amd64/kernel/drivers/virtio/virtio_ring.ko ',
      'insmod /k/root/lib/modules/6.1.0-56-amd64/kernel/drivers/virtio/virtio.ko ',
      'insmod /k/root/lib/modules/6.1.0-56-amd64/kernel/drivers/virtio/virtio_mmio.ko ',
      'insmod /k/root/lib/modules/6.1.0-56-amd64/kernel/drivers/virtio/virtio_ring.ko ',
      'insmod /k/root/lib/modules/6.1.0-56-amd64/kernel/drivers/block/virtio_blk.ko ',
      'builtin crc16',
      'insmod /k/root/lib/modules/6.1.0-56-amd64/kernel/arch/x86/crypto/crc32c-intel.ko ',
    ].join('\n');
    expect(parseShowDepends(output).map(moduleName)).toEqual(['virtio_ring', 'virtio', 'virtio_mmio', 'virtio_blk', 'crc32c_intel']);
  });

  it('returns nothing for an empty or failing modprobe', () => {
    expect(parseShowDepends('modprobe: FATAL: Module nope not found in directory /x\n')).toEqual([]);
  });
});
