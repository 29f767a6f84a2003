import { describe, expect, it } from 'vitest';
import { imageDiskSizeMiB, mkfsExt4Argv, parseDuKiB } from './mkfs-argv.js';

describe('mkfsExt4Argv', () => {
  it('builds a journal-less image disk from a directory', () => {
    expect(mkfsExt4Argv({ file: '/c/x.ext4', label: 'bi0123', sizeMiB: 40.2, fromDir: '/r', journal: false }).argv).toEqual([
      'mkfs.ext4', '-q', '-F', '-m', '0', '-L', 'bi0123', '-O', '^has_journal', '-E', 'root_owner=0:0,lazy_itable_init=1,lazy_journal_init=1', '-d', '/r', '/c/x.ext4', '41M',
    ]);
  });
  it('builds an empty scratch disk with a journal', () => {
    expect(mkfsExt4Argv({ file: '/i/scratch.ext4', label: 'bubo-scratch', sizeMiB: 1024, journal: true }).argv).toEqual([
      'mkfs.ext4', '-q', '-F', '-m', '0', '-L', 'bubo-scratch', '-E', 'root_owner=0:0,lazy_itable_init=1,lazy_journal_init=1', '/i/scratch.ext4', '1024M',
    ]);
  });
});

describe('image disk size', () => {
  it('adds 20 % and 32 MiB to what du reports', () => {
    expect(imageDiskSizeMiB(1024 * 100)).toBe(152);
    expect(imageDiskSizeMiB(0)).toBe(32);
  });
  it('reads du -s -k output', () => {
    expect(parseDuKiB('2340\t/x/rootfs\n')).toBe(2340);
    expect(() => parseDuKiB('du: cannot access')).toThrow(/cannot read the size/);
  });
});
