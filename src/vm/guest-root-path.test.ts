import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GUEST_SCRIPTS_DIR } from './guest-scripts.js';

// `root_path` of guest/lib.sh, run by the same busybox sh as in the guest, on a real directory tree.
describe.runIf(existsSync('/bin/busybox'))('root_path (guest/lib.sh)', () => {
  const root = mkdtempSync(join(tmpdir(), 'bubo-root-path-'));
  mkdirSync(join(root, 'run'));
  mkdirSync(join(root, 'etc/app'), { recursive: true });
  symlinkSync('/run', join(root, 'var-run')); // absolute, as Debian's /var/run -> /run
  mkdirSync(join(root, 'var'));
  symlinkSync('../run', join(root, 'var/run')); // relative
  symlinkSync('/../../../../etc', join(root, 'up')); // tries to leave the root
  symlinkSync('app', join(root, 'etc/conf'));
  symlinkSync('loop-b', join(root, 'loop-a'));
  symlinkSync('loop-a', join(root, 'loop-b'));
  writeFileSync(join(root, 'etc/app/file'), '');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const rootPath = (path: string) =>
    execFileSync('/bin/busybox', ['sh', '-c', '. "$1/lib.sh"; root_path "$2" "$3"', 'sh', GUEST_SCRIPTS_DIR, root, path], { encoding: 'utf8' });

  it.each([
    ['a plain path, even where nothing exists yet', '/run/secrets/tls.key', '/run/secrets/tls.key'],
    ['an absolute link, resolved inside the root', '/var-run/secrets/key', '/run/secrets/key'],
    ['a relative link', '/var/run/key', '/run/key'],
    ['a link in the middle, relative to its directory', '/etc/conf/db', '/etc/app/db'],
    ['`..` that would leave the root stops at it', '/up/app/x', '/etc/app/x'],
    ['`.` and doubled slashes', '/./etc//app/./x', '/etc/app/x'],
    ['a path with a space', '/etc/app/db pass', '/etc/app/db pass'],
  ])('%s', (_name, path, expected) => {
    expect(rootPath(path)).toBe(`${expected}\n`);
  });

  it('fails on a symlink loop', () => {
    expect(() => rootPath('/loop-a/x')).toThrow();
  });
});
