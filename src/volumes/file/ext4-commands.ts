import { type Command, cmd } from '../../exec/command.js';

/** The commands of the `file` driver, as data (exact-argv tested). Sizes in MiB. */
export const ext4Commands = {
  /** A sparse file: blocks are allocated as data is written. */
  allocate: (image: string, sizeMib: number): Command => cmd('truncate', '-s', `${sizeMib}M`, image),
  mkfs: (image: string, label: string): Command => cmd('mkfs.ext4', '-q', '-F', '-E', 'root_owner=0:0', '-L', label, image),
  mount: (image: string, dir: string): Command => cmd('mount', '-o', 'loop,noatime', image, dir),
  umount: (dir: string): Command => cmd('umount', dir),
  /** Exit 1 means errors were corrected: still success. */
  fsck: (image: string): Command => ({ argv: ['e2fsck', '-f', '-p', image], okExitCodes: [1] }),
  resize: (target: string): Command => cmd('resize2fs', target),
  freeze: (dir: string): Command => cmd('fsfreeze', '-f', dir),
  thaw: (dir: string): Command => cmd('fsfreeze', '-u', dir),
  /** A sparse copy (holes stay holes), sharing blocks where the filesystem can. */
  copy: (from: string, to: string): Command => cmd('cp', '--sparse=always', '--reflink=auto', from, to),
  /** Superblock only: block count, free blocks, block size (for the use of an unmounted volume). */
  superblock: (image: string): Command => cmd('dumpe2fs', '-h', image),
};

/** Used MiB from `dumpe2fs -h` output. */
export function usedFromSuperblock(text: string): number {
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN);
  const used = (field('Block count') - field('Free blocks')) * field('Block size');
  return Number.isFinite(used) ? Math.round(used / (1 << 20)) : 0;
}
