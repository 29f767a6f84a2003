import { describe, expect, it } from 'vitest';
import { devicePath, lvmCommands as c, lvName, parseLvs, snapshotLvName } from './lvm-commands.js';

describe('lvmCommands', () => {
  const lv = lvName('default.pg.data.0');
  it.each([
    [c.create('vg0', 'pool', lv, 1024), ['lvcreate', '--yes', '--thin', '-V', '1024M', '-n', 'bubo_default.pg.data.0', 'vg0/pool']],
    [c.mkfs(devicePath('vg0', lv), 'pg.data.0'), ['mkfs.ext4', '-q', '-F', '-E', 'root_owner=0:0', '-L', 'pg.data.0', '/dev/vg0/bubo_default.pg.data.0']],
    [c.extend('vg0', lv, 2048), ['lvextend', '-r', '-L', '2048M', 'vg0/bubo_default.pg.data.0']],
    [c.snapshot('vg0', lv, snapshotLvName('default.pg.data.0', 'before')), ['lvcreate', '--yes', '-s', '-kn', '-n', 'bubo_default.pg.data.0__snap_before', 'vg0/bubo_default.pg.data.0']],
    [c.merge('vg0', 'bubo_default.pg.data.0__snap_before'), ['lvconvert', '--merge', 'vg0/bubo_default.pg.data.0__snap_before']],
    [c.remove('vg0', lv), ['lvremove', '--yes', 'vg0/bubo_default.pg.data.0']],
    [c.activate('vg0', lv), ['lvchange', '-ay', '-K', 'vg0/bubo_default.pg.data.0']],
    [c.list('vg0'), ['lvs', '--reportformat', 'json', '--units', 'm', '--nosuffix', '-o', 'lv_name,lv_size,origin,data_percent', 'vg0']],
    [c.mount('/dev/vg0/x', '/mnt/x'), ['mount', '-o', 'noatime', '/dev/vg0/x', '/mnt/x']],
    [c.umount('/mnt/x'), ['umount', '/mnt/x']],
    [c.probe(), ['dmsetup', 'targets']],
    [c.rename('vg0', 'bubo_x.new', 'bubo_x'), ['lvrename', 'vg0', 'bubo_x.new', 'bubo_x']],
    [c.writeImage('/b/x.ext4', '/dev/vg0/bubo_x.restore'), ['dd', 'if=/b/x.ext4', 'of=/dev/vg0/bubo_x.restore', 'bs=4M', 'conv=sparse,fsync', 'status=none']],
  ])('builds %j', (command, argv) => {
    expect(command.argv).toEqual(argv);
  });

  it('reads lvs JSON: volumes, their sizes, snapshots and thin data use', () => {
    const text = JSON.stringify({
      report: [
        {
          lv: [
            { lv_name: 'pool', lv_size: '10240.00', origin: '', data_percent: '3.10' },
            { lv_name: 'bubo_default.pg.data.0', lv_size: '1024.00', origin: '', data_percent: '12.50' },
            { lv_name: 'bubo_default.pg.data.0__snap_before', lv_size: '1024.00', origin: 'bubo_default.pg.data.0', data_percent: '12.50' },
          ],
        },
      ],
    });
    expect(parseLvs(text)).toEqual([
      { name: 'pool', sizeMib: 10240, origin: null, dataPercent: 3.1 },
      { name: 'bubo_default.pg.data.0', sizeMib: 1024, origin: null, dataPercent: 12.5 },
      { name: 'bubo_default.pg.data.0__snap_before', sizeMib: 1024, origin: 'bubo_default.pg.data.0', dataPercent: 12.5 },
    ]);
    expect(() => parseLvs('{"report":[{}]}')).toThrow('lvs answered without a report of logical volumes');
  });
});
