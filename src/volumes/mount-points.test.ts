import { describe, expect, it } from 'vitest';
import { parseMountPoints } from './mount-points.js';

describe('parseMountPoints', () => {
  it('reads the mount point field and undoes the kernel escapes', () => {
    const info = [
      '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
      '90 22 7:0 / /var/lib/bubo/volumes/default.pg.data.0/mnt rw,relatime shared:40 - ext4 /dev/loop0 rw',
      '91 22 7:1 / /tmp/with\\040space rw - ext4 /dev/loop1 rw',
      '',
    ].join('\n');
    expect([...parseMountPoints(info)]).toEqual(['/', '/var/lib/bubo/volumes/default.pg.data.0/mnt', '/tmp/with space']);
  });
});
