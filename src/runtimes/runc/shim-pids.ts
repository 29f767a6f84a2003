import { readdir, readFile } from 'node:fs/promises';

/** Pids of the shims whose exit file is in `dir` (found in /proc: the pid file may not be written yet). */
export async function shimPids(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (argv[3] === 'bubo-runc-shim' && argv[4]?.startsWith(`${dir}/`)) pids.push(Number(entry));
  }
  return pids;
}
