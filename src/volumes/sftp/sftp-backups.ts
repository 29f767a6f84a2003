import { rm } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import type { Command } from '../../exec/command.js';
import type { Executor } from '../../exec/run-command.js';
import { backupsToPrune } from '../backup-archive.js';
import { type BackupTarget, parseBackupTarget } from '../../domain/backup-target.js';

export type SftpTarget = Extract<BackupTarget, { kind: 'sftp' }>;

/** How the host logs in: its own SSH key and known hosts by default (root's ~/.ssh), or these files. */
export interface SftpAuth {
  identity?: string;
  knownHosts?: string;
}

/**
 * OpenSSH's `sftp` in batch mode, the batch on stdin: no password prompt (`BatchMode`), an
 * unknown or changed host key refused (`StrictHostKeyChecking=yes`: a backup must not go to
 * whoever answers), exit non-zero on the first failing line (lines starting with `-` may fail).
 * Written by hand: no npm SFTP client is as well kept as OpenSSH, which every host has.
 */
export function sftpBatch(target: SftpTarget, auth: SftpAuth, lines: readonly string[]): Command {
  return {
    argv: [
      'sftp',
      '-b',
      '-',
      '-P',
      String(target.port),
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'ConnectTimeout=10',
      ...(auth.identity ? ['-i', auth.identity] : []),
      ...(auth.knownHosts ? ['-o', `UserKnownHostsFile=${auth.knownHosts}`] : []),
      `${target.user ? `${target.user}@` : ''}${target.host}`,
    ],
    input: `${lines.join('\n')}\n`,
    timeoutMs: 60 * 60_000,
  };
}

/** A local path in a batch line: double-quoted, `"` and `\` escaped (remote paths are safe by construction). */
export function quoteLocal(path: string): string {
  return `"${path.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** `-mkdir` of every directory down to `dir` (existing ones fail, harmlessly). */
export function mkdirLines(dir: string): string[] {
  const parts = dir.split('/').filter(Boolean);
  return parts.map((_, i) => `-mkdir /${parts.slice(0, i + 1).join('/')}`);
}

/**
 * Uploads an archive and its `.sha256` made on this host into the target directory (created if
 * missing): the archive under a temporary name, renamed once complete, so a reader never sees
 * half an archive. Deletes the local copies after. Returns the archive's URL.
 */
export async function uploadBackup(exec: Executor, target: SftpTarget, auth: SftpAuth, archive: string): Promise<string> {
  const name = basename(archive);
  const remote = posix.join(target.dir, name);
  try {
    await exec(
      sftpBatch(target, auth, [
        ...mkdirLines(target.dir),
        `put ${quoteLocal(archive)} ${remote}.tmp`,
        `rename ${remote}.tmp ${remote}`,
        `put ${quoteLocal(`${archive}.sha256`)} ${remote}.sha256`,
      ]),
    );
  } finally {
    await rm(archive, { force: true });
    await rm(`${archive}.sha256`, { force: true });
  }
  return `${target.url}/${name}`;
}

/** The file names in the target directory (none when it does not exist yet). */
export async function listRemote(exec: Executor, target: SftpTarget, auth: SftpAuth): Promise<string[]> {
  const out = (await exec(sftpBatch(target, auth, [...mkdirLines(target.dir), `ls -1 ${target.dir}`]))).stdout;
  // Batch mode echoes each command as `sftp> …`; the rest are the entries, as paths.
  return out
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('sftp>'))
    .map((line) => posix.basename(line));
}

/** Retention on the server: all but the newest `keep` archives of volume `id` deleted, with their sums. Returns their URLs. */
export async function pruneRemote(exec: Executor, target: SftpTarget, auth: SftpAuth, id: string, keep: number): Promise<string[]> {
  const old = backupsToPrune(await listRemote(exec, target, auth), id, keep);
  if (old.length === 0) return [];
  await exec(sftpBatch(target, auth, old.flatMap((name) => [`rm ${posix.join(target.dir, name)}`, `-rm ${posix.join(target.dir, name)}.sha256`])));
  return old.map((name) => `${target.url}/${name}`);
}

/** Downloads `sftp://…/<name>.tar.gz` and its `.sha256` into `localDir`; returns the local archive. */
export async function downloadBackup(exec: Executor, url: string, auth: SftpAuth, localDir: string): Promise<string> {
  const at = parseBackupTarget(url);
  if (at.kind !== 'sftp') throw new Error(`${url} is not an sftp:// archive`);
  const name = posix.basename(at.dir);
  const server: SftpTarget = { ...at, dir: posix.dirname(at.dir) };
  const local = join(localDir, name);
  await exec(sftpBatch(server, auth, [`get ${at.dir} ${quoteLocal(local)}`, `get ${at.dir}.sha256 ${quoteLocal(`${local}.sha256`)}`]));
  return local;
}
