import { describe, expect, it } from 'vitest';
import { parseBackupTarget } from './backup-target.js';

describe('parseBackupTarget', () => {
  it.each([
    ['/srv/backups', { kind: 'dir', dir: '/srv/backups' }],
    ['sftp://backup@nas.example.com/srv/bubo', { kind: 'sftp', user: 'backup', host: 'nas.example.com', port: 22, dir: '/srv/bubo', url: 'sftp://backup@nas.example.com/srv/bubo' }],
    ['sftp://192.0.2.7:2222/b/', { kind: 'sftp', user: null, host: '192.0.2.7', port: 2222, dir: '/b', url: 'sftp://192.0.2.7:2222/b' }],
  ])('reads %s', (to, target) => {
    expect(parseBackupTarget(to)).toEqual(target);
  });

  it.each([
    ['backups', 'give a directory on the volume\'s host ("/srv/backups") or sftp://[user@]host[:port]/dir'],
    ['/srv/../etc', 'must not contain ".."'],
    ['s3://bucket/x', 'give a directory on the volume\'s host'],
    ['sftp://nas', 'write sftp://[user@]host[:port]/absolute/dir'],
    ['sftp://nas/srv/with space', 'the directory may hold letters, digits, "._-" and "/" only'],
    ['sftp://nas/srv/"quoted"', 'the directory may hold letters, digits'],
    ['sftp://nas:99999/srv', 'port 99999 is not 1–65535'],
  ])('refuses %s', (to, message) => {
    expect(() => parseBackupTarget(to)).toThrow(message);
  });
});
