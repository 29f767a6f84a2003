import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command } from '../../exec/command.js';
import type { CommandResult, Executor } from '../../exec/run-command.js';
import { createLvmVolumeDriver } from './create-lvm-volume-driver.js';

/**
 * A model of LVM for the commands the driver runs (these machines have no device-mapper, so the
 * real pool is exercised only by the conformance suite where `dmsetup targets` works): logical
 * volumes by name with size and origin. Every command is recorded; mounts are not modelled (the
 * driver reads mount points from the kernel, where none of these are).
 */
function lvmModel(initial: Record<string, { sizeMib: number; origin?: string }> = {}) {
  const lvs = new Map(Object.entries(initial).map(([name, v]) => [name, { sizeMib: v.sizeMib, origin: v.origin ?? '' }]));
  const log: string[] = [];
  const exec: Executor = async (command: Command): Promise<CommandResult> => {
    const argv = [...command.argv];
    log.push(argv.join(' '));
    const ok = (stdout = '') => ({ exitCode: 0, stdout, stderr: '' });
    const name = (vgLv: string) => vgLv.split('/')[1] as string;
    switch (argv[0]) {
      case 'lvs':
        return ok(JSON.stringify({ report: [{ lv: [{ lv_name: 'pool', lv_size: '10240.00', origin: '', data_percent: '1.00' }, ...[...lvs].map(([n, v]) => ({ lv_name: n, lv_size: `${v.sizeMib}.00`, origin: v.origin, data_percent: '0.50' }))] }] }));
      case 'lvcreate': {
        const n = argv[argv.indexOf('-n') + 1] as string;
        if (lvs.has(n)) throw new Error(`lvcreate: ${n} exists`);
        if (argv.includes('--thin')) lvs.set(n, { sizeMib: Number.parseInt(argv[argv.indexOf('-V') + 1] as string, 10), origin: '' });
        else {
          const origin = lvs.get(name(argv.at(-1) as string));
          if (!origin) throw new Error(`lvcreate -s: no origin ${argv.at(-1)}`);
          lvs.set(n, { sizeMib: origin.sizeMib, origin: name(argv.at(-1) as string) });
        }
        return ok();
      }
      case 'lvrename': {
        const [, , from, to] = argv as [string, string, string, string];
        const v = lvs.get(from);
        if (!v || lvs.has(to)) throw new Error(`lvrename ${from} ${to}: refused`);
        lvs.delete(from);
        lvs.set(to, v);
        return ok();
      }
      case 'lvremove':
        if (!lvs.delete(name(argv.at(-1) as string))) throw new Error(`lvremove: no ${argv.at(-1)}`);
        return ok();
      case 'lvextend': {
        const v = lvs.get(name(argv.at(-1) as string));
        if (!v) throw new Error('lvextend: no volume');
        v.sizeMib = Number.parseInt(argv[argv.indexOf('-L') + 1] as string, 10);
        return ok();
      }
      case 'dumpe2fs':
        return ok('Block count:              262144\nFree blocks:              258048\nBlock size:               4096\n');
      default:
        // mkfs.ext4, lvchange, mount, umount, fsfreeze, cp, dd: effects outside the model.
        return ok();
    }
  };
  return { exec, lvs, log };
}

describe('the lvm volume driver (on a model of LVM)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-lvm-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const make = (model: ReturnType<typeof lvmModel>) => createLvmVolumeDriver({ vg: 'vg0', pool: 'pool', mountDir: dir, exec: model.exec });
  const ref = { id: 'default.pg.data.0', sizeMib: 1024 };
  const without = (log: string[], verb: string) => log.filter((l) => !l.startsWith(verb));

  it('creates a thin volume under a side name, makes ext4 on it and renames it into place; grows it, never shrinks it', async () => {
    const model = lvmModel();
    const driver = make(model);
    await driver.ensure(ref);
    await driver.ensure(ref);
    await driver.ensure({ ...ref, sizeMib: 512 });
    await driver.ensure({ ...ref, sizeMib: 2048 });
    expect(without(model.log, 'lvs')).toEqual([
      'lvcreate --yes --thin -V 1024M -n bubo_default.pg.data.0.new vg0/pool',
      'mkfs.ext4 -q -F -E root_owner=0:0 -L pg.data.0 /dev/vg0/bubo_default.pg.data.0.new',
      'lvrename vg0 bubo_default.pg.data.0.new bubo_default.pg.data.0',
      'lvextend -r -L 2048M vg0/bubo_default.pg.data.0',
    ]);
    expect(await driver.list()).toEqual(['default.pg.data.0']);
    expect(await driver.usage(ref.id)).toEqual({ sizeMib: 2048, usedMib: 16 });
    expect(driver.device(ref.id)).toBe('/dev/vg0/bubo_default.pg.data.0');
  });

  it('finishes what a crash left: a half-made volume is made again, a half-done restore is completed', async () => {
    const halfMade = lvmModel({ 'bubo_default.pg.data.0.new': { sizeMib: 1024 } });
    await make(halfMade).ensure(ref);
    expect(without(halfMade.log, 'lvs').slice(0, 2)).toEqual(['lvremove --yes vg0/bubo_default.pg.data.0.new', 'lvcreate --yes --thin -V 1024M -n bubo_default.pg.data.0.new vg0/pool']);
    const halfRestored = lvmModel({ 'bubo_default.pg.data.0.restore': { sizeMib: 1024 } });
    await make(halfRestored).ensure(ref);
    expect(without(halfRestored.log, 'lvs')).toEqual(['lvrename vg0 bubo_default.pg.data.0.restore bubo_default.pg.data.0']);
    expect([...halfRestored.lvs.keys()]).toEqual(['bubo_default.pg.data.0']);
  });

  it('takes thin snapshots, lists them, restores one through a snapshot of it (which stays), and removes them', async () => {
    const model = lvmModel({ 'bubo_default.pg.data.0': { sizeMib: 1024 }, 'bubo_default.pg.data.1': { sizeMib: 1024 } });
    const driver = make(model);
    await driver.snapshot(ref.id, 'before');
    await driver.snapshot(ref.id, 'after');
    await driver.snapshot('default.pg.data.1', 'other');
    expect(await driver.listSnapshots(ref.id)).toEqual(['after', 'before']);
    model.log.length = 0;
    await driver.restoreSnapshot(ref.id, 'before');
    expect(without(model.log, 'lvs')).toEqual([
      'lvcreate --yes -s -kn -n bubo_default.pg.data.0.restore vg0/bubo_default.pg.data.0__snap_before',
      'lvchange -ay -K vg0/bubo_default.pg.data.0.restore',
      'lvremove --yes vg0/bubo_default.pg.data.0',
      'lvrename vg0 bubo_default.pg.data.0.restore bubo_default.pg.data.0',
    ]);
    expect(await driver.listSnapshots(ref.id)).toEqual(['after', 'before']);
    await driver.removeSnapshot(ref.id, 'after');
    expect(await driver.listSnapshots(ref.id)).toEqual(['before']);
    await driver.remove(ref.id);
    expect([...model.lvs.keys()].sort()).toEqual(['bubo_default.pg.data.1', 'bubo_default.pg.data.1__snap_other']);
    expect(await driver.list()).toEqual(['default.pg.data.1']);
  });

  it('exports a snapshot as a sparse image for a backup, and restores a backup image into a fresh thin volume', async () => {
    const model = lvmModel({ 'bubo_default.pg.data.0': { sizeMib: 1024 } });
    const driver = make(model);
    await driver.snapshot(ref.id, 'nightly');
    model.log.length = 0;
    expect(await driver.exportSnapshot?.(ref.id, 'nightly')).toBe(join(dir, ref.id, 'export', 'nightly.ext4'));
    expect(model.log).toEqual([
      'lvchange -ay -K vg0/bubo_default.pg.data.0__snap_nightly',
      `cp --sparse=always --reflink=auto /dev/vg0/bubo_default.pg.data.0__snap_nightly ${join(dir, ref.id, 'export', 'nightly.ext4')}`,
    ]);
    const image = join(dir, 'unpacked.ext4');
    await writeFile(image, Buffer.alloc(3 * 1024 * 1024 + 1));
    model.log.length = 0;
    await driver.restoreFrom(ref.id, image);
    expect(without(model.log, 'lvs')).toEqual([
      'lvcreate --yes --thin -V 4M -n bubo_default.pg.data.0.restore vg0/pool',
      `dd if=${image} of=/dev/vg0/bubo_default.pg.data.0.restore bs=4M conv=sparse,fsync status=none`,
      'lvremove --yes vg0/bubo_default.pg.data.0',
      'lvrename vg0 bubo_default.pg.data.0.restore bubo_default.pg.data.0',
    ]);
  });
});
