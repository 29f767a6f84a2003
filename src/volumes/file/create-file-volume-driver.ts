import { mkdir, readdir, rename, rm, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError } from '../../errors/conflict-error.js';
import type { Executor } from '../../exec/run-command.js';
import { pathExists } from '../../fs/path-exists.js';
import { isMountPoint } from '../mount-points.js';
import type { VolumeDriver } from '../volume-driver.js';
import { ext4Commands as c, usedFromSuperblock } from './ext4-commands.js';

const MIB = 1 << 20;

/**
 * `file`: one sparse ext4 image per volume, `<dir>/<id>/volume.ext4`. Containers get it
 * loop-mounted at `<dir>/<id>/mnt`; microVMs attach the image itself. Snapshots are sparse copies
 * (`snapshots/<name>.ext4`); a mounted filesystem is frozen while it is copied, so the copy is
 * consistent. Whether it is mounted is read from the kernel each time, never remembered: the
 * agent may restart while mounts stay.
 */
export function createFileVolumeDriver(options: { dir: string; exec: Executor }): VolumeDriver {
  const { dir, exec } = options;
  const root = (id: string) => join(dir, id);
  const image = (id: string) => join(root(id), 'volume.ext4');
  const mnt = (id: string) => join(root(id), 'mnt');
  const snapshots = (id: string) => join(root(id), 'snapshots');
  const snapshotPath = (id: string, name: string) => join(snapshots(id), `${name}.ext4`);
  // ext4 labels are at most 16 bytes: the app's name and slot, cut, are enough for a human.
  const label = (id: string) => id.split('.').slice(1).join('.').slice(0, 16);

  const requireUnmounted = async (id: string, what: string) => {
    if (await isMountPoint(mnt(id))) throw new ConflictError(`volume ${id} is mounted on this host; cannot ${what} it while in use`);
  };

  const driver: VolumeDriver = {
    kind: 'file',
    async ensure(ref) {
      await mkdir(root(ref.id), { recursive: true });
      if (!(await pathExists(image(ref.id)))) {
        const tmp = `${image(ref.id)}.tmp`;
        await rm(tmp, { force: true });
        await exec(c.allocate(tmp, ref.sizeMib));
        await exec(c.mkfs(tmp, label(ref.id)));
        await rename(tmp, image(ref.id));
        return;
      }
      const have = Math.floor((await stat(image(ref.id))).size / MIB);
      if (have >= ref.sizeMib) return;
      // Grow, never shrink: the file first, then the filesystem. Offline: online growth needs an
      // ioctl that container hosts often forbid, and `ensure` runs before an instance starts, when
      // nothing uses the volume (the server never runs two instances on one).
      await driver.unmount(ref.id);
      await exec(c.allocate(image(ref.id), ref.sizeMib));
      await exec(c.fsck(image(ref.id)));
      await exec(c.resize(image(ref.id)));
    },
    async mount(ref) {
      if (!(await isMountPoint(mnt(ref.id)))) {
        await mkdir(mnt(ref.id), { recursive: true });
        await exec(c.mount(image(ref.id), mnt(ref.id)));
      }
      return mnt(ref.id);
    },
    async unmount(id) {
      if (await isMountPoint(mnt(id))) await exec(c.umount(mnt(id)));
    },
    device: (id) => image(id),
    async usage(id) {
      const sizeMib = Math.floor((await stat(image(id))).size / MIB);
      if (await isMountPoint(mnt(id))) {
        const fs = await statfs(mnt(id));
        return { sizeMib, usedMib: Math.round(((fs.blocks - fs.bfree) * fs.bsize) / MIB) };
      }
      return { sizeMib, usedMib: usedFromSuperblock((await exec(c.superblock(image(id)))).stdout) };
    },
    async snapshot(id, name) {
      await mkdir(snapshots(id), { recursive: true });
      const tmp = `${snapshotPath(id, name)}.tmp`;
      await rm(tmp, { force: true });
      const mounted = await isMountPoint(mnt(id));
      if (mounted) await exec(c.freeze(mnt(id)));
      try {
        await exec(c.copy(image(id), tmp));
      } finally {
        // Never leave it frozen: every write of the instance would hang.
        if (mounted) await exec(c.thaw(mnt(id)));
      }
      await rename(tmp, snapshotPath(id, name));
    },
    async listSnapshots(id) {
      if (!(await pathExists(snapshots(id)))) return [];
      return (await readdir(snapshots(id)))
        .filter((n) => n.endsWith('.ext4'))
        .map((n) => n.slice(0, -'.ext4'.length))
        .sort();
    },
    async restoreSnapshot(id, name) {
      await requireUnmounted(id, 'restore');
      const tmp = `${image(id)}.restore`;
      await rm(tmp, { force: true });
      await exec(c.copy(snapshotPath(id, name), tmp));
      await rename(tmp, image(id));
    },
    snapshotPath,
    async restoreFrom(id, path) {
      await requireUnmounted(id, 'restore');
      await rename(path, image(id));
    },
    async removeSnapshot(id, name) {
      await rm(snapshotPath(id, name), { force: true });
    },
    async remove(id) {
      await driver.unmount(id);
      await rm(root(id), { recursive: true, force: true });
    },
    async list() {
      if (!(await pathExists(dir))) return [];
      const out: string[] = [];
      for (const id of (await readdir(dir)).sort()) if (await pathExists(image(id))) out.push(id);
      return out;
    },
  };
  return driver;
}
