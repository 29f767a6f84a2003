/**
 * Where a backup goes: a directory on the volume's host, or a directory on an SFTP server the
 * host reaches (`sftp://[user@]host[:port]/absolute/dir`, the host's SSH key and known hosts).
 * Pure. Paths are kept to letters, digits and `._/-` (and hosts to DNS names or IPv4), since they
 * go into sftp batch commands, which have their own quoting.
 */
export type BackupTarget = { kind: 'dir'; dir: string } | { kind: 'sftp'; user: string | null; host: string; port: number; dir: string; url: string };

const SAFE_PATH = /^\/(?:[A-Za-z0-9._-]+\/)*[A-Za-z0-9._-]*$/;
const SFTP = /^sftp:\/\/(?:([a-z_][a-z0-9_.-]{0,31})@)?([A-Za-z0-9.-]{1,253})(?::(\d{1,5}))?(\/.*)$/;

export class BackupTargetError extends Error {}

export function parseBackupTarget(to: string): BackupTarget {
  if (to.startsWith('/')) {
    if (to.split('/').includes('..')) throw new BackupTargetError(`backup directory ${JSON.stringify(to)} must not contain ".."`);
    return { kind: 'dir', dir: to };
  }
  if (!to.startsWith('sftp://')) throw new BackupTargetError(`backup target ${JSON.stringify(to)}: give a directory on the volume's host ("/srv/backups") or sftp://[user@]host[:port]/dir`);
  const match = SFTP.exec(to);
  if (!match) throw new BackupTargetError(`backup target ${JSON.stringify(to)}: write sftp://[user@]host[:port]/absolute/dir`);
  const [, user, host, portText, path] = match as unknown as [string, string | undefined, string, string | undefined, string];
  const dir = path.length > 1 ? path.replace(/\/$/, '') : path;
  if (!SAFE_PATH.test(dir) || dir.split('/').includes('..')) throw new BackupTargetError(`backup target ${JSON.stringify(to)}: the directory may hold letters, digits, "._-" and "/" only, and no ".."`);
  const port = portText === undefined ? 22 : Number(portText);
  if (port < 1 || port > 65535) throw new BackupTargetError(`backup target ${JSON.stringify(to)}: port ${port} is not 1–65535`);
  const url = `sftp://${user ? `${user}@` : ''}${host}${port === 22 ? '' : `:${port}`}${dir}`;
  return { kind: 'sftp', user: user ?? null, host, port, dir, url };
}
