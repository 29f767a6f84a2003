import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestContainer, RunConfig } from '../../vm/run-config.js';
import { entrypointCandidates, missingEntrypoints } from './missing-entrypoints.js';

describe('entrypointCandidates', () => {
  it.each([
    ['an absolute path as is', '/bin/entry.sh', '/www', [], ['/bin/entry.sh']],
    ['a relative path from the workdir', './run', '/app', [], ['/app/run']],
    ['a bare name on the image PATH', 'httpd', '/', ['PATH=/usr/bin:/bin'], ['/usr/bin/httpd', '/bin/httpd']],
    ['a bare name on the default PATH without one', 'sh', '/', [], ['/usr/local/sbin/sh', '/usr/local/bin/sh', '/usr/sbin/sh', '/usr/bin/sh', '/sbin/sh', '/bin/sh']],
  ] as const)('%s', (_name, program, workdir, env, expected) => {
    expect(entrypointCandidates(program, workdir, env)).toEqual(expected);
  });
});

describe('missingEntrypoints', () => {
  let rootfs: string;
  beforeAll(async () => {
    rootfs = await mkdtemp(join(tmpdir(), 'bubo-entry-'));
    await mkdir(join(rootfs, 'bin'));
    await writeFile(join(rootfs, 'bin', 'busybox'), '');
    await symlink('busybox', join(rootfs, 'bin', 'sh'));
    // A link whose target exists only on the host must not count: links are not followed.
    await symlink('/etc/hostname', join(rootfs, 'bin', 'dangling'));
  });
  afterAll(() => rm(rootfs, { recursive: true, force: true }));

  const container = (name: string, args: string[]): GuestContainer => ({ name, imageDisk: 0, args, env: ['PATH=/bin'], workdir: '/', user: '0:0', restart: 'always', stopTimeoutMs: 1_000 });
  const config = (containers: GuestContainer[]): RunConfig => ({ version: 1, instanceId: 'i', hostname: 'i', network: null, containers, imageDisks: ['sha256:a'] });

  it('finds programs by path and on PATH, links included, and names what is missing', async () => {
    const problems = await missingEntrypoints(
      config([container('ok', ['sh', '-c', 'true']), container('abs', ['/bin/busybox']), container('link', ['/bin/dangling']), container('gone', ['/x']), container('bare', ['nope']), container('empty', [])]),
      new Map([['sha256:a', rootfs]]),
    );
    expect(problems).toEqual([
      'container gone: /x: no such file in its image',
      'container bare: nope: no such file in its image (searched PATH /bin)',
      'container empty: no command (the image has no entrypoint or cmd, and the task sets none)',
    ]);
  });
});
