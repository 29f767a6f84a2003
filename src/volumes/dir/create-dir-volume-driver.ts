import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { cmd } from '../../exec/command.js';
import type { Executor } from '../../exec/run-command.js';
import { pathExists } from '../../fs/path-exists.js';
import { readJsonFile } from '../../fs/read-json-file.js';
import { writeJsonFile } from '../../fs/write-json-file.js';
import { z } from 'zod';
import type { VolumeDriver } from '../volume-driver.js';

const Meta = z.object({ sizeMib: z.number() });

/**
 * `dir`: a plain directory per volume, `<dir>/<id>/data`, snapshots as copies beside it
 * (`cp -a --reflink=auto`, instant on filesystems that share blocks). For laptops and hosts
 * without loop devices: the size is recorded, not enforced, and microVMs cannot attach it.
 */
export function createDirVolumeDriver(options: { dir: string; exec: Executor }): VolumeDriver {
  const { dir, exec } = options;
  const root = (id: string) => join(dir, id);
  const data = (id: string) => join(root(id), 'data');
  const snapshots = (id: string) => join(root(id), 'snapshots');
  const snapshotPath = (id: string, name: string) => join(snapshots(id), name);

  /** Swaps `incoming` in as the data, keeping the old data until the rename is done. */
  const replaceData = async (id: string, incoming: string) => {
    const old = join(root(id), 'data.old');
    await rm(old, { recursive: true, force: true });
    if (await pathExists(data(id))) await rename(data(id), old);
    await rename(incoming, data(id));
    await rm(old, { recursive: true, force: true });
  };

  return {
    kind: 'dir',
    async ensure(ref) {
      await mkdir(data(ref.id), { recursive: true });
      const meta = await readJsonFile(join(root(ref.id), 'volume.json'), Meta);
      if (!meta || meta.sizeMib < ref.sizeMib) await writeJsonFile(join(root(ref.id), 'volume.json'), { sizeMib: ref.sizeMib });
    },
    async mount(ref) {
      return data(ref.id);
    },
    async unmount() {},
    device: () => null,
    async usage(id) {
      const meta = await readJsonFile(join(root(id), 'volume.json'), Meta);
      const { stdout } = await exec(cmd('du', '-sm', data(id)));
      return { sizeMib: meta?.sizeMib ?? 0, usedMib: Number.parseInt(stdout, 10) || 0 };
    },
    async snapshot(id, name) {
      await mkdir(snapshots(id), { recursive: true });
      const tmp = `${snapshotPath(id, name)}.tmp`;
      await rm(tmp, { recursive: true, force: true });
      await exec(cmd('cp', '-a', '--reflink=auto', data(id), tmp));
      await rename(tmp, snapshotPath(id, name));
    },
    async listSnapshots(id) {
      if (!(await pathExists(snapshots(id)))) return [];
      return (await readdir(snapshots(id))).filter((n) => !n.endsWith('.tmp')).sort();
    },
    async restoreSnapshot(id, name) {
      const tmp = join(root(id), 'restore.tmp');
      await rm(tmp, { recursive: true, force: true });
      await exec(cmd('cp', '-a', '--reflink=auto', snapshotPath(id, name), tmp));
      await replaceData(id, tmp);
    },
    snapshotPath,
    async restoreFrom(id, path) {
      await replaceData(id, path);
    },
    async removeSnapshot(id, name) {
      await rm(snapshotPath(id, name), { recursive: true, force: true });
    },
    async remove(id) {
      await rm(root(id), { recursive: true, force: true });
    },
    async list() {
      if (!(await pathExists(dir))) return [];
      const out: string[] = [];
      for (const id of (await readdir(dir)).sort()) if (await pathExists(join(root(id), 'volume.json'))) out.push(id);
      return out;
    },
  };
}
