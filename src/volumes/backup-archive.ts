import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DomainError } from '../errors/domain-error.js';
import { cmd } from '../exec/command.js';
import type { Executor } from '../exec/run-command.js';
import type { VolumeDriver, VolumeRef } from './volume-driver.js';

/** The archive's name: the volume id and the time, so backups of one volume sort by age. */
export function backupName(id: string, now: number): string {
  return `${id}-${new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.tar.gz`;
}

/**
 * Retention: deletes all but the newest `keep` archives of volume `id` in `dir` (each with its
 * `.sha256`), by the UTC time in their names. Only names `backupName` makes are considered, so
 * other files there (another volume's, a hand-made copy) are never touched. Returns the paths
 * deleted, oldest first.
 */
export async function pruneBackups(dir: string, id: string, keep: number): Promise<string[]> {
  const old = backupsToPrune(await readdir(dir).catch(() => [] as string[]), id, keep).map((n) => join(dir, n));
  for (const archive of old) {
    await rm(archive, { force: true });
    await rm(`${archive}.sha256`, { force: true });
  }
  return old;
}

/** Of the file names `names`, the archives of volume `id` to delete to keep its newest `keep`, oldest first. Pure. */
export function backupsToPrune(names: readonly string[], id: string, keep: number): string[] {
  const pattern = new RegExp(`^${id.replace(/[.]/g, '\\.')}-\\d{8}T\\d{6}Z\\.tar\\.gz$`);
  const mine = names.filter((n) => pattern.test(n)).sort();
  return mine.slice(0, Math.max(0, mine.length - keep));
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * A backup: a fresh snapshot (consistent: the driver freezes a mounted filesystem for it),
 * archived with GNU tar, gzip-compressed and sparse-aware (`-S`: an image's holes stay holes),
 * numeric owners kept, beside a `sha256sum`-format `.sha256` file. The snapshot is removed after.
 */
export async function backupVolume(
  driver: VolumeDriver,
  exec: Executor,
  id: string,
  toDir: string,
  now: number,
  /** How the snapshot is taken; the agent's also freezes a disk a running microVM holds. */
  takeSnapshot: (id: string, name: string) => Promise<void> = (i, n) => driver.snapshot(i, n),
): Promise<{ archive: string; sha256: string; bytes: number }> {
  const snapshot = `backup-${now}`;
  await mkdir(toDir, { recursive: true });
  const archive = join(toDir, backupName(id, now));
  await takeSnapshot(id, snapshot);
  try {
    const path = driver.exportSnapshot ? await driver.exportSnapshot(id, snapshot) : driver.snapshotPath(id, snapshot);
    await exec({ ...cmd('tar', '--create', '--gzip', '--sparse', '--numeric-owner', '--xattrs', '--file', `${archive}.tmp`, '--directory', dirname(path), basename(path)), timeoutMs: 60 * 60_000 });
    const sha256 = await sha256File(`${archive}.tmp`);
    await exec(cmd('mv', `${archive}.tmp`, archive));
    await writeFile(`${archive}.sha256`, `${sha256}  ${basename(archive)}\n`);
    return { archive, sha256, bytes: (await stat(archive)).size };
  } finally {
    await rm(`${archive}.tmp`, { force: true });
    await driver.removeSnapshot(id, snapshot);
  }
}

/**
 * Restores a backup into volume `ref`: the archive's checksum is checked against its `.sha256`
 * first, and a mismatch changes nothing. It is unpacked into a staging directory beside the
 * volume, and only a complete unpack replaces the volume's data. The volume must not be in use.
 */
export async function restoreVolume(driver: VolumeDriver, exec: Executor, ref: VolumeRef, archive: string, stagingParent: string): Promise<void> {
  let expected: string;
  try {
    expected = (await readFile(`${archive}.sha256`, 'utf8')).trim().split(/\s+/)[0] ?? '';
  } catch {
    throw new DomainError('volume_failed', `no checksum file ${archive}.sha256 beside the archive; a restore needs both (they are written together by "bubo volume backup")`);
  }
  let actual: string;
  try {
    actual = await sha256File(archive);
  } catch (error) {
    throw new DomainError('volume_failed', `cannot read archive ${archive}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  if (actual !== expected) {
    throw new DomainError('volume_failed', `archive ${archive} is corrupt: its SHA-256 is ${actual}, ${basename(archive)}.sha256 says ${expected}; volume ${ref.id} was not changed`);
  }
  await mkdir(stagingParent, { recursive: true });
  const staging = await mkdtemp(join(stagingParent, '.restore-'));
  try {
    await exec({ ...cmd('tar', '--extract', '--gzip', '--sparse', '--numeric-owner', '--xattrs', '--file', archive, '--directory', staging), timeoutMs: 60 * 60_000 });
    const entries = await readdir(staging);
    if (entries.length !== 1) throw new DomainError('volume_failed', `archive ${archive} holds ${entries.length} entries, not one volume snapshot; volume ${ref.id} was not changed`);
    await driver.restoreFrom(ref.id, join(staging, entries[0]!));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
