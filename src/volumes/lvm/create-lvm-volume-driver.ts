import { mkdir, rm, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError } from '../../errors/conflict-error.js';
import type { Executor } from '../../exec/run-command.js';
import { ext4Commands as ext4, usedFromSuperblock } from '../file/ext4-commands.js';
import { isMountPoint } from '../mount-points.js';
import type { VolumeDriver } from '../volume-driver.js';
import { devicePath, type LogicalVolume, lvmCommands as c, lvName, parseLvs, snapshotLvName } from './lvm-commands.js';

const MIB = 1 << 20;

/**
 * `lvm`: one thin logical volume per volume (`bubo_<id>`) in the thin pool `<vg>/<pool>`, ext4 on
 * it; snapshots are thin snapshots (`bubo_<id>__snap_<name>`), which share blocks with their
 * origin and cost nothing until either changes. Containers get the volume mounted at
 * `<mountDir>/<id>/mnt`; microVMs attach `/dev/<vg>/bubo_<id>` itself.
 *
 * Every step that replaces a volume builds the new one under a side name (`.new`, `.restore`) and
 * renames it into place, and `ensure` finishes a rename a crash left half done, so an agent that
 * dies at any point leaves either the old volume or the new one, never neither.
 */
export function createLvmVolumeDriver(options: { vg: string; pool: string; mountDir: string; exec: Executor }): VolumeDriver {
  const { vg, pool, mountDir, exec } = options;
  const lv = (id: string) => lvName(id);
  const dev = (id: string) => devicePath(vg, lv(id));
  const mnt = (id: string) => join(mountDir, id, 'mnt');
  const exports = (id: string) => join(mountDir, id, 'export');
  const snapPrefix = (id: string) => `${lv(id)}__snap_`;
  // ext4 labels are at most 16 bytes: the app's name and slot, cut, are enough for a human.
  const label = (id: string) => id.split('.').slice(1).join('.').slice(0, 16);
  const volumes = async (): Promise<LogicalVolume[]> => parseLvs((await exec(c.list(vg))).stdout);
  const find = (all: LogicalVolume[], name: string) => all.find((v) => v.name === name);

  const requireUnmounted = async (id: string, what: string) => {
    if (await isMountPoint(mnt(id))) throw new ConflictError(`volume ${id} is mounted on this host; cannot ${what} it while in use`);
  };

  /** A fresh thin volume `name`, replacing `lv(id)` by rename (the old one removed first). */
  const swapIn = async (id: string, name: string) => {
    if (find(await volumes(), lv(id))) await exec(c.remove(vg, lv(id)));
    await exec(c.rename(vg, name, lv(id)));
  };

  const driver: VolumeDriver = {
    kind: 'lvm',
    async ensure(ref) {
      let all = await volumes();
      const restoring = `${lv(ref.id)}.restore`;
      // A restore that got as far as removing the old volume: its replacement goes in now.
      if (!find(all, lv(ref.id)) && find(all, restoring)) {
        await exec(c.rename(vg, restoring, lv(ref.id)));
        all = await volumes();
      }
      const have = find(all, lv(ref.id));
      if (!have) {
        const fresh = `${lv(ref.id)}.new`;
        if (find(all, fresh)) await exec(c.remove(vg, fresh));
        await exec(c.create(vg, pool, fresh, ref.sizeMib));
        await exec(c.mkfs(devicePath(vg, fresh), label(ref.id)));
        await exec(c.rename(vg, fresh, lv(ref.id)));
        return;
      }
      if (have.sizeMib >= ref.sizeMib) return;
      // Grow, never shrink; offline, like the file driver (ensure runs before a start).
      await driver.unmount(ref.id);
      await exec(c.extend(vg, lv(ref.id), ref.sizeMib));
    },
    async mount(ref) {
      if (!(await isMountPoint(mnt(ref.id)))) {
        await mkdir(mnt(ref.id), { recursive: true });
        await exec(c.activate(vg, lv(ref.id)));
        await exec(c.mount(dev(ref.id), mnt(ref.id)));
      }
      return mnt(ref.id);
    },
    async unmount(id) {
      if (await isMountPoint(mnt(id))) await exec(c.umount(mnt(id)));
    },
    device: (id) => dev(id),
    async usage(id) {
      const have = find(await volumes(), lv(id));
      if (!have) throw new Error(`volume ${id} has no logical volume ${vg}/${lv(id)}`);
      if (await isMountPoint(mnt(id))) {
        const fs = await statfs(mnt(id));
        return { sizeMib: have.sizeMib, usedMib: Math.round(((fs.blocks - fs.bfree) * fs.bsize) / MIB) };
      }
      return { sizeMib: have.sizeMib, usedMib: usedFromSuperblock((await exec(ext4.superblock(dev(id)))).stdout) };
    },
    async snapshot(id, name) {
      const mounted = await isMountPoint(mnt(id));
      if (mounted) await exec(ext4.freeze(mnt(id)));
      try {
        await exec(c.snapshot(vg, lv(id), snapshotLvName(id, name)));
      } finally {
        // Never leave it frozen: every write of the instance would hang.
        if (mounted) await exec(ext4.thaw(mnt(id)));
      }
    },
    async listSnapshots(id) {
      return (await volumes())
        .filter((v) => v.name.startsWith(snapPrefix(id)))
        .map((v) => v.name.slice(snapPrefix(id).length))
        .sort();
    },
    async restoreSnapshot(id, name) {
      await requireUnmounted(id, 'restore');
      // A thin snapshot of the snapshot becomes the volume: the snapshot itself stays for later.
      const restoring = `${lv(id)}.restore`;
      if (find(await volumes(), restoring)) await exec(c.remove(vg, restoring));
      await exec(c.snapshot(vg, snapshotLvName(id, name), restoring));
      await exec(c.activate(vg, restoring));
      await swapIn(id, restoring);
    },
    // A backup archives a file: `exportSnapshot` copies the snapshot's device there (sparse).
    snapshotPath: (id, name) => join(exports(id), `${name}.ext4`),
    async exportSnapshot(id, name) {
      await mkdir(exports(id), { recursive: true });
      await exec(c.activate(vg, snapshotLvName(id, name)));
      const path = driver.snapshotPath(id, name);
      await exec(ext4.copy(devicePath(vg, snapshotLvName(id, name)), path));
      return path;
    },
    async restoreFrom(id, path) {
      await requireUnmounted(id, 'restore');
      const sizeMib = Math.ceil((await stat(path)).size / MIB);
      const restoring = `${lv(id)}.restore`;
      if (find(await volumes(), restoring)) await exec(c.remove(vg, restoring));
      await exec(c.create(vg, pool, restoring, sizeMib));
      await exec(c.writeImage(path, devicePath(vg, restoring)));
      await rm(path, { force: true });
      await swapIn(id, restoring);
    },
    async removeSnapshot(id, name) {
      if (find(await volumes(), snapshotLvName(id, name))) await exec(c.remove(vg, snapshotLvName(id, name)));
      await rm(driver.snapshotPath(id, name), { force: true });
    },
    async remove(id) {
      await driver.unmount(id);
      for (const v of await volumes()) {
        if (v.name === lv(id) || v.name.startsWith(snapPrefix(id)) || v.name === `${lv(id)}.new` || v.name === `${lv(id)}.restore`) await exec(c.remove(vg, v.name));
      }
      await rm(join(mountDir, id), { recursive: true, force: true });
    },
    async list() {
      return (await volumes())
        .filter((v) => v.name.startsWith('bubo_') && !v.name.includes('__snap_') && !v.name.endsWith('.new') && !v.name.endsWith('.restore'))
        .map((v) => v.name.slice('bubo_'.length))
        .sort();
    },
  };
  return driver;
}
