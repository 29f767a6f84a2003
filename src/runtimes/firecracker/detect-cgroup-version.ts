import { readFile } from 'node:fs/promises';
import type { CgroupVersion } from './jailer-argv.js';

/** 2 when cgroup2 is mounted at /sys/fs/cgroup (the jailer's `--cgroup-version`), else 1. */
export async function detectCgroupVersion(): Promise<CgroupVersion> {
  const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  return mounts.split('\n').some((line) => line.split(' ')[1] === '/sys/fs/cgroup' && line.split(' ')[2] === 'cgroup2') ? 2 : 1;
}
