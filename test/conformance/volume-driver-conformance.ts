import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statfs } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/exec/run-command.js';
import { backupVolume, restoreVolume } from '../../src/volumes/backup-archive.js';
import type { VolumeDriver } from '../../src/volumes/volume-driver.js';
import { corruptCopy } from '../support/corrupt-copy.js';

/**
 * What every volume driver must do, run against a real driver on this host: data written
 * through the mount survives unmount and mount; a larger size grows the filesystem (data kept),
 * never shrinks it; a snapshot restores the earlier data; a backup restores into another volume,
 * and a corrupt one changes nothing; everything is idempotent; remove leaves nothing.
 */
export function volumeDriverConformance(name: string, make: (dir: string) => VolumeDriver, options: { enforcesSize: boolean }): void {
  describe(`volume driver conformance: ${name}`, () => {
    let dir: string;
    let driver: VolumeDriver;
    const ref = { id: 'default.pg.data.0', sizeMib: 32 };
    const write = async (file: string, text: string) => writeFile(join(await driver.mount(ref), file), text);
    const read = async (file: string) => readFile(join(await driver.mount(ref), file), 'utf8').catch(() => null);

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), `bubo-volumes-${name}-`));
      driver = make(join(dir, 'volumes'));
    });
    afterAll(async () => {
      for (const id of await driver.list()) await driver.remove(id);
      await rm(dir, { recursive: true, force: true });
    });

    it('creates an empty volume once, and keeps what is written through its mount across unmount and mount', async () => {
      await driver.ensure(ref);
      await driver.ensure(ref);
      expect(await driver.list()).toEqual([ref.id]);
      await write('rows', 'one\n');
      await driver.unmount(ref.id);
      await driver.unmount(ref.id);
      expect(await read('rows')).toBe('one\n');
      expect(await driver.mount(ref)).toBe(await driver.mount(ref));
      const usage = await driver.usage(ref.id);
      expect(usage.sizeMib).toBe(32);
    });

    it.runIf(options.enforcesSize)('grows to a larger size with the data kept, mounted before or not, and never shrinks', async () => {
      const before = await statfs(await driver.mount(ref));
      await driver.ensure({ ...ref, sizeMib: 64 });
      const mountedGrowth = await statfs(await driver.mount(ref));
      expect(mountedGrowth.blocks * mountedGrowth.bsize).toBeGreaterThan(before.blocks * before.bsize * 1.5);
      await driver.unmount(ref.id);
      await driver.ensure({ ...ref, sizeMib: 96 });
      await driver.ensure({ ...ref, sizeMib: 16 });
      expect((await driver.usage(ref.id)).sizeMib).toBe(96);
      const after = await statfs(await driver.mount(ref));
      expect(after.blocks * after.bsize).toBeGreaterThan(mountedGrowth.blocks * mountedGrowth.bsize * 1.3);
      expect(await read('rows')).toBe('one\n');
    });

    it('restores a snapshot: later data gone, earlier data there; a name is taken once', async () => {
      await write('rows', 'one\ntwo\n');
      await driver.snapshot(ref.id, 'before');
      await write('rows', 'one\ntwo\nthree\n');
      await write('later', 'x');
      expect(await driver.listSnapshots(ref.id)).toEqual(['before']);
      await driver.unmount(ref.id);
      await driver.restoreSnapshot(ref.id, 'before');
      expect(await read('rows')).toBe('one\ntwo\n');
      expect(await read('later')).toBeNull();
      await driver.removeSnapshot(ref.id, 'before');
      expect(await driver.listSnapshots(ref.id)).toEqual([]);
    });

    it('backs up into a checksummed archive that restores into another volume; a corrupt archive changes nothing', async () => {
      const backups = join(dir, 'backups');
      const made = await backupVolume(driver, runCommand, ref.id, backups, Date.parse('2026-12-03T10:00:00Z'));
      expect(made.archive).toBe(join(backups, 'default.pg.data.0-20261203T100000Z.tar.gz'));
      expect(await readFile(`${made.archive}.sha256`, 'utf8')).toBe(`${made.sha256}  default.pg.data.0-20261203T100000Z.tar.gz\n`);
      expect(await driver.listSnapshots(ref.id)).toEqual([]);

      const other = { id: 'default.pg2.data.0', sizeMib: 32 };
      await driver.ensure(other);
      await writeFile(join(await driver.mount(other), 'mine'), 'kept');
      await driver.unmount(other.id);

      // One byte flipped: refused with both sums named, the volume untouched.
      const corrupt = await corruptCopy(made.archive, made.sha256);
      await expect(restoreVolume(driver, runCommand, other, corrupt, join(dir, 'volumes', other.id))).rejects.toThrow(
        new RegExp(`archive .*corrupt-default.pg.data.0-20261203T100000Z.tar.gz is corrupt: its SHA-256 is [0-9a-f]{64}, corrupt-default.pg.data.0-20261203T100000Z.tar.gz.sha256 says ${made.sha256}; volume default.pg2.data.0 was not changed`),
      );
      expect(await readFile(join(await driver.mount(other), 'mine'), 'utf8')).toBe('kept');
      await driver.unmount(other.id);

      await restoreVolume(driver, runCommand, other, made.archive, join(dir, 'volumes', other.id));
      const mountedOther = await driver.mount(other);
      expect(await readFile(join(mountedOther, 'rows'), 'utf8')).toBe('one\ntwo\n');
      expect(await readFile(join(mountedOther, 'mine'), 'utf8').catch(() => null)).toBeNull();
      await driver.remove(other.id);
    });

    it('removes a volume with its snapshots, mounted or not, twice without complaint', async () => {
      await driver.mount(ref);
      await driver.snapshot(ref.id, 's');
      await driver.remove(ref.id);
      await driver.remove(ref.id);
      expect(await driver.list()).toEqual([]);
    });
  });
}
