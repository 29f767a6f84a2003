import type { Command } from '../exec/command.js';

export interface MkfsOptions {
  file: string;
  label: string;
  sizeMiB: number;
  /** Copy this directory into the new filesystem (`-d`), ownership and modes kept. */
  fromDir?: string;
  /** Read-only disks need no journal (nothing to replay, a smaller image). */
  journal: boolean;
}

/**
 * `mkfs.ext4` for a disk image file, without mounting anything. No reserved blocks (no root
 * daemon in the guest needs them); lazy init keeps a big sparse scratch disk quick to make.
 */
export function mkfsExt4Argv(options: MkfsOptions): Command {
  const features = options.journal ? [] : ['-O', '^has_journal'];
  return {
    argv: [
      'mkfs.ext4',
      '-q',
      '-F',
      '-m',
      '0',
      '-L',
      options.label,
      ...features,
      '-E',
      'root_owner=0:0,lazy_itable_init=1,lazy_journal_init=1',
      ...(options.fromDir ? ['-d', options.fromDir] : []),
      options.file,
      `${Math.ceil(options.sizeMiB)}M`,
    ],
  };
}

/** Size of an image disk for a rootfs using `rootfsKiB` (du): 20 % and 32 MiB of room for ext4's own needs. */
export function imageDiskSizeMiB(rootfsKiB: number): number {
  return Math.ceil((rootfsKiB * 1.2) / 1024) + 32;
}

/** `du -s -k DIR`'s first field: KiB used. */
export function parseDuKiB(output: string): number {
  const kib = Number.parseInt(output.trim().split(/\s+/)[0] ?? '', 10);
  if (!Number.isFinite(kib)) throw new Error(`cannot read the size from du: ${JSON.stringify(output)}`);
  return kib;
}
