import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { JailLayout } from './jailer-argv.js';
import { prepareJail, removeJail } from './prepare-jail.js';

let dir: string;
let layout: JailLayout;
const owner = { uid: 4242, gid: 4343 };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bubo-fc-jail-'));
  layout = new JailLayout(join(dir, 'base'), 'web-1', '/usr/bin/firecracker');
  await writeFile(join(dir, 'vmlinux'), 'kernel');
  await writeFile(join(dir, 'image.ext4'), 'image');
  await writeFile(join(dir, 'scratch.ext4'), 'scratch');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const files = () => [
  { source: join(dir, 'vmlinux'), jailPath: '/vmlinux', owned: false },
  { source: join(dir, 'image.ext4'), jailPath: '/image0.ext4', owned: false },
  { source: join(dir, 'scratch.ext4'), jailPath: '/scratch.ext4', owned: true },
];

test('hard-links files into the jail; owned files become uid:gid 0600, shared ones keep their owner', async () => {
  await prepareJail(layout, files(), ['/console.log'], owner);
  const [kernel, kernelInJail] = await Promise.all([stat(join(dir, 'vmlinux')), stat(layout.hostPath('/vmlinux'))]);
  expect(kernelInJail.ino).toBe(kernel.ino);
  expect([kernelInJail.uid, kernelInJail.nlink]).toEqual([kernel.uid, 2]);
  const scratch = await stat(layout.hostPath('/scratch.ext4'));
  expect([scratch.uid, scratch.gid, scratch.mode & 0o777]).toEqual([4242, 4343, 0o600]);
  const run = await stat(layout.hostPath('/run'));
  expect([run.isDirectory(), run.uid]).toEqual([true, 4242]);
  const consoleLog = await stat(layout.hostPath('/console.log'));
  expect([consoleLog.size, consoleLog.uid]).toEqual([0, 4242]);
  // Re-running replaces what is there.
  await prepareJail(layout, files(), ['/console.log'], owner);
  expect((await stat(layout.hostPath('/vmlinux'))).ino).toBe(kernel.ino);
});

test('copies when the jail is on another file system (EXDEV)', async () => {
  const exdev = Object.assign(new Error('cross-device link'), { code: 'EXDEV' });
  await prepareJail(layout, files(), [], owner, {
    link: async () => Promise.reject(exdev),
    copyFile: (s, t) => import('node:fs/promises').then((fs) => fs.copyFile(s, t)),
  });
  const copied = await stat(layout.hostPath('/image0.ext4'));
  expect(copied.ino).not.toBe((await stat(join(dir, 'image.ext4'))).ino);
  expect(await readFile(layout.hostPath('/image0.ext4'), 'utf8')).toBe('image');
});

test('a missing source fails with both paths in the message', async () => {
  await expect(prepareJail(layout, [{ source: join(dir, 'nope'), jailPath: '/x', owned: false }], [], owner)).rejects.toThrow(/cannot link .*nope into the jail at .*root\/x/);
});

test('removeJail removes <base>/firecracker/<id> and leaves the sources alone; twice is fine', async () => {
  await prepareJail(layout, files(), [], owner);
  await removeJail(layout);
  await removeJail(layout);
  await expect(stat(layout.dir)).rejects.toThrow(/ENOENT/);
  expect((await stat(join(dir, 'vmlinux'))).nlink).toBe(1);
});
