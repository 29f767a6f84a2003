import { open, rm } from 'node:fs/promises';
import { type Executor, runCommand } from '../exec/run-command.js';
import { SCRATCH_DISK_LABEL } from './guest-files.js';
import { mkfsExt4Argv } from './mkfs-argv.js';

/**
 * The instance's writable disk (label `bubo-scratch`): a sparse file of `sizeMiB` (the task's
 * resources.disk) with an empty ext4; it holds every container's overlay upper layer. Replaces
 * any file at `path`.
 */
export async function createScratchDisk(path: string, sizeMiB: number, exec: Executor = runCommand): Promise<void> {
  if (!Number.isFinite(sizeMiB) || sizeMiB < 16) throw new Error(`scratch disk size must be at least 16 MiB, got ${sizeMiB}`);
  await rm(path, { force: true });
  const handle = await open(path, 'w', 0o600);
  try {
    await handle.truncate(Math.ceil(sizeMiB) * 1024 * 1024);
  } finally {
    await handle.close();
  }
  await exec(mkfsExt4Argv({ file: path, label: SCRATCH_DISK_LABEL, sizeMiB, journal: true }));
}
