import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseBackupTarget } from '../../domain/backup-target.js';
import type { Command } from '../../exec/command.js';
import type { Executor } from '../../exec/run-command.js';
import { downloadBackup, listRemote, mkdirLines, pruneRemote, quoteLocal, type SftpTarget, sftpBatch, uploadBackup } from './sftp-backups.js';

const target = parseBackupTarget('sftp://backup@nas.example.com:2222/srv/bubo') as SftpTarget;

/** Records every batch; answers `ls` with `listing`. */
function recorder(listing: string[] = []) {
  const batches: { argv: readonly string[]; lines: string[] }[] = [];
  const exec: Executor = async (command: Command) => {
    const lines = String(command.input ?? '').trim().split('\n');
    batches.push({ argv: command.argv, lines });
    const ls = lines.find((l) => l.startsWith('ls -1 '));
    return { exitCode: 0, stdout: ls ? `sftp> ${ls}\n${listing.map((n) => `/srv/bubo/${n}`).join('\n')}\n` : '', stderr: '' };
  };
  return { exec, batches };
}

describe('sftp backups', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-sftp-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs OpenSSH sftp in batch mode with strict host keys, the port, and the key and known hosts given', () => {
    const command = sftpBatch(target, { identity: '/etc/bubo/backup_ed25519', knownHosts: '/etc/bubo/known_hosts' }, ['ls -1 /srv/bubo']);
    expect(command.argv).toEqual([
      'sftp', '-b', '-', '-P', '2222', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', 'ConnectTimeout=10',
      '-i', '/etc/bubo/backup_ed25519', '-o', 'UserKnownHostsFile=/etc/bubo/known_hosts', 'backup@nas.example.com',
    ]);
    expect(command.input).toBe('ls -1 /srv/bubo\n');
    expect(sftpBatch({ ...target, user: null, port: 22 }, {}, []).argv.slice(-1)).toEqual(['nas.example.com']);
  });

  it('quotes local paths for the batch and makes every directory down to the target', () => {
    expect(quoteLocal('/var/lib/my "bubo"\\x')).toBe('"/var/lib/my \\"bubo\\"\\\\x"');
    expect(mkdirLines('/srv/bubo')).toEqual(['-mkdir /srv', '-mkdir /srv/bubo']);
  });

  it('uploads under a temporary name, renames it once complete, then the sum; the local copies are gone after', async () => {
    const archive = join(dir, 'default.pg.data.0-20261204T030000Z.tar.gz');
    await writeFile(archive, 'a');
    await writeFile(`${archive}.sha256`, 's');
    const { exec, batches } = recorder();
    expect(await uploadBackup(exec, target, {}, archive)).toBe('sftp://backup@nas.example.com:2222/srv/bubo/default.pg.data.0-20261204T030000Z.tar.gz');
    expect(batches[0]?.lines).toEqual([
      '-mkdir /srv',
      '-mkdir /srv/bubo',
      `put "${archive}" /srv/bubo/default.pg.data.0-20261204T030000Z.tar.gz.tmp`,
      'rename /srv/bubo/default.pg.data.0-20261204T030000Z.tar.gz.tmp /srv/bubo/default.pg.data.0-20261204T030000Z.tar.gz',
      `put "${archive}.sha256" /srv/bubo/default.pg.data.0-20261204T030000Z.tar.gz.sha256`,
    ]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('lists the directory from the batch output, and prunes all but the newest archives of the volume with their sums', async () => {
    const names = ['default.pg.data.0-20261201T030000Z.tar.gz', 'default.pg.data.0-20261202T030000Z.tar.gz', 'default.pg.data.0-20261203T030000Z.tar.gz', 'default.other.data.0-20261201T030000Z.tar.gz'];
    const { exec, batches } = recorder([...names, ...names.map((n) => `${n}.sha256`)]);
    expect(await listRemote(exec, target, {})).toHaveLength(8);
    expect(await pruneRemote(exec, target, {}, 'default.pg.data.0', 2)).toEqual(['sftp://backup@nas.example.com:2222/srv/bubo/default.pg.data.0-20261201T030000Z.tar.gz']);
    expect(batches.at(-1)?.lines).toEqual(['rm /srv/bubo/default.pg.data.0-20261201T030000Z.tar.gz', '-rm /srv/bubo/default.pg.data.0-20261201T030000Z.tar.gz.sha256']);
  });

  it('downloads an archive and its sum by URL into a local directory', async () => {
    const { exec, batches } = recorder();
    const local = await downloadBackup(exec, 'sftp://backup@nas.example.com:2222/srv/bubo/default.pg.data.0-20261201T030000Z.tar.gz', {}, dir);
    expect(local).toBe(join(dir, 'default.pg.data.0-20261201T030000Z.tar.gz'));
    expect(batches[0]?.lines).toEqual([`get /srv/bubo/default.pg.data.0-20261201T030000Z.tar.gz "${local}"`, `get /srv/bubo/default.pg.data.0-20261201T030000Z.tar.gz.sha256 "${local}.sha256"`]);
    expect(batches[0]?.argv.at(-1)).toBe('backup@nas.example.com');
  });
});
