import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { cmd } from '../../src/exec/command.js';
import { runCommand } from '../../src/exec/run-command.js';
import { createDirVolumeDriver } from '../../src/volumes/dir/create-dir-volume-driver.js';
import { createFileVolumeDriver } from '../../src/volumes/file/create-file-volume-driver.js';
import { createLvmVolumeDriver } from '../../src/volumes/lvm/create-lvm-volume-driver.js';
import { volumeDriverConformance } from './volume-driver-conformance.js';

const isRoot = process.getuid?.() === 0;

// `dir` needs nothing special; `file` needs root for loop mounts (CI runs as root).
volumeDriverConformance('dir', (dir) => createDirVolumeDriver({ dir, exec: runCommand }), { enforcesSize: false });
if (isRoot) volumeDriverConformance('file', (dir) => createFileVolumeDriver({ dir, exec: runCommand }), { enforcesSize: true });
else describe('volume driver conformance: file', () => it.skip('needs root (loop mounts)', () => {}));

/**
 * `lvm` on a real thin pool, made for the run on a loop device (a sparse file): only where
 * device-mapper works (these development machines' kernel has none, so here it is skipped with
 * the reason; the driver's steps are tested on a model of LVM in create-lvm-volume-driver.test.ts).
 */
async function lvmPool(): Promise<{ vg: string; pool: string; teardown: () => Promise<void> } | string> {
  if (!isRoot) return 'needs root';
  try {
    const targets = (await runCommand(cmd('dmsetup', 'targets'))).stdout;
    if (!/^thin-pool\b/m.test(targets)) return 'device-mapper has no thin-pool target here';
  } catch (error) {
    return `device-mapper does not work here: ${(error as Error).message.split('\n')[0]}`;
  }
  const work = await mkdtemp(join(tmpdir(), 'bubo-lvm-pool-'));
  const image = join(work, 'pv.img');
  const vg = `bubotest${process.pid}`;
  await runCommand(cmd('truncate', '-s', '512M', image));
  const loop = (await runCommand(cmd('losetup', '--find', '--show', image))).stdout.trim();
  const teardown = async () => {
    await runCommand(cmd('vgremove', '--yes', '--force', vg)).catch(() => {});
    await runCommand(cmd('pvremove', '--yes', loop)).catch(() => {});
    await runCommand(cmd('losetup', '-d', loop)).catch(() => {});
    await rm(work, { recursive: true, force: true });
  };
  try {
    await runCommand(cmd('pvcreate', '--yes', loop));
    await runCommand(cmd('vgcreate', vg, loop));
    await runCommand(cmd('lvcreate', '--yes', '--type', 'thin-pool', '-L', '384M', '-n', 'pool', vg));
  } catch (error) {
    await teardown();
    return `cannot make a thin pool on a loop device: ${(error as Error).message.split('\n')[0]}`;
  }
  return { vg, pool: 'pool', teardown };
}

const lvm = await lvmPool();
if (typeof lvm === 'string') describe('volume driver conformance: lvm', () => it.skip(`skipped: ${lvm}`, () => {}));
else {
  describe('lvm on a thin pool of a loop device', () => {
    afterAll(() => lvm.teardown());
    volumeDriverConformance('lvm', (dir) => createLvmVolumeDriver({ vg: lvm.vg, pool: lvm.pool, mountDir: dir, exec: runCommand }), { enforcesSize: true });
  });
}
