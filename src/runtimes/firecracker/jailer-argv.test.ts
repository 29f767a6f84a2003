import { describe, expect, test } from 'vitest';
import { JailLayout, jailerArgv, jailerCgroups, jailId } from './jailer-argv.js';

describe('jailerArgv', () => {
  test('builds the exact jailer command line for a cgroup v1 host', () => {
    const argv = jailerArgv({
      jailer: '/usr/local/bin/jailer',
      firecracker: '/usr/local/bin/firecracker',
      id: 'shop-web-1',
      uid: 10001,
      gid: 10000,
      chrootBaseDir: '/var/lib/bubo/firecracker/jailer',
      cgroupVersion: 1,
      parentCgroup: 'bubo',
      cgroups: jailerCgroups(1, 1.5, 512, 64),
      netns: null,
    });
    expect(argv).toEqual([
      '/usr/local/bin/jailer',
      '--id',
      'shop-web-1',
      '--exec-file',
      '/usr/local/bin/firecracker',
      '--uid',
      '10001',
      '--gid',
      '10000',
      '--chroot-base-dir',
      '/var/lib/bubo/firecracker/jailer',
      '--cgroup-version',
      '1',
      '--parent-cgroup',
      'bubo',
      '--cgroup',
      'cpu.cfs_period_us=100000',
      '--cgroup',
      'cpu.cfs_quota_us=150000',
      '--cgroup',
      'memory.limit_in_bytes=603979776',
      '--daemonize',
      '--',
      '--api-sock',
      '/run/firecracker.socket',
    ]);
  });

  test('cgroup v2, a network namespace and no parent cgroup', () => {
    const argv = jailerArgv({
      jailer: 'jailer',
      firecracker: '/opt/fc/firecracker-v1.17',
      id: 'a',
      uid: 1,
      gid: 2,
      chrootBaseDir: '/srv/jailer',
      cgroupVersion: 2,
      parentCgroup: null,
      cgroups: jailerCgroups(2, 2, 128, 0),
      netns: '/var/run/netns/bubo-a',
    });
    expect(argv.slice(11)).toEqual([
      '--cgroup-version',
      '2',
      '--cgroup',
      'cpu.max=200000 100000',
      '--cgroup',
      'memory.max=134217728',
      '--netns',
      '/var/run/netns/bubo-a',
      '--daemonize',
      '--',
      '--api-sock',
      '/run/firecracker.socket',
    ]);
  });

  test('refuses a Firecracker binary whose name lacks "firecracker" (the jailer would)', () => {
    expect(() =>
      jailerArgv({ jailer: 'jailer', firecracker: '/usr/bin/fc', id: 'a', uid: 1, gid: 1, chrootBaseDir: '/s', cgroupVersion: 1, parentCgroup: null, cgroups: [], netns: null }),
    ).toThrow(/must contain "firecracker"/);
  });
});

describe('jailId', () => {
  test.each([
    ['shop-web-1', 'shop-web-1'],
    ['a'.repeat(64), 'a'.repeat(64)],
  ])('keeps %s, which the jailer accepts', (id, expected) => expect(jailId(id)).toBe(expected));

  test('maps ids with "." or "_" or over 64 characters to a stable, valid, distinct id', () => {
    const ids = ['shop.web_1', 'shop-web-1.', 'x'.repeat(65), 'x'.repeat(66)].map(jailId);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9-]{1,64}$/);
    expect(new Set(ids).size).toBe(4);
    expect(jailId('shop.web_1')).toBe(ids[0]);
    expect(ids[0]).toMatch(/^shop-web-1-[0-9a-f]{8}$/);
  });
});

test('JailLayout: <chroot base>/<exec file name>/<id>/root is the jailed "/"', () => {
  const layout = new JailLayout('/srv/jailer', 'web-1', '/usr/bin/firecracker');
  expect(layout.dir).toBe('/srv/jailer/firecracker/web-1');
  expect(layout.root).toBe('/srv/jailer/firecracker/web-1/root');
  expect(layout.hostPath('/config.ext4')).toBe('/srv/jailer/firecracker/web-1/root/config.ext4');
  expect(layout.apiSocket).toBe('/srv/jailer/firecracker/web-1/root/run/firecracker.socket');
});
