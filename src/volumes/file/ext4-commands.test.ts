import { describe, expect, it } from 'vitest';
import { ext4Commands as c, usedFromSuperblock } from './ext4-commands.js';

describe('ext4Commands', () => {
  it.each([
    [c.allocate('/v/a.ext4', 1024), ['truncate', '-s', '1024M', '/v/a.ext4']],
    [c.mkfs('/v/a.ext4', 'pg.data.0'), ['mkfs.ext4', '-q', '-F', '-E', 'root_owner=0:0', '-L', 'pg.data.0', '/v/a.ext4']],
    [c.mount('/v/a.ext4', '/v/mnt'), ['mount', '-o', 'loop,noatime', '/v/a.ext4', '/v/mnt']],
    [c.umount('/v/mnt'), ['umount', '/v/mnt']],
    [c.resize('/v/a.ext4'), ['resize2fs', '/v/a.ext4']],
    [c.freeze('/v/mnt'), ['fsfreeze', '-f', '/v/mnt']],
    [c.thaw('/v/mnt'), ['fsfreeze', '-u', '/v/mnt']],
    [c.copy('/v/a.ext4', '/v/s.ext4'), ['cp', '--sparse=always', '--reflink=auto', '/v/a.ext4', '/v/s.ext4']],
    [c.superblock('/v/a.ext4'), ['dumpe2fs', '-h', '/v/a.ext4']],
  ])('builds %j', (command, argv) => {
    expect(command.argv).toEqual(argv);
  });

  it('treats "errors corrected" (exit 1) of e2fsck as success', () => {
    expect(c.fsck('/v/a.ext4')).toEqual({ argv: ['e2fsck', '-f', '-p', '/v/a.ext4'], okExitCodes: [1] });
  });

  it('reads the used space of an unmounted filesystem from its superblock', () => {
    expect(usedFromSuperblock('Block count:              32768\nFree blocks:              24576\nBlock size:               1024\n')).toBe(8);
    expect(usedFromSuperblock('garbage')).toBe(0);
  });
});
