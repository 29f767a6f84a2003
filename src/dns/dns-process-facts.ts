import { readdir, readFile } from 'node:fs/promises';
import { isProcessAlive } from '../exec/process-stat.js';
import { isDnsProcessOf } from './dns-serve-argv.js';

/** A process's argv from /proc (null when it is gone). */
export async function processArgv(pid: number): Promise<string[] | null> {
  const text = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  return text === null ? null : text.replace(/\0+$/, '').split('\0');
}

/** What `pid` is now: exited (or a zombie nobody reaped), another program, or `bubo dns serve` of `stateDir`. */
export async function dnsProcessState(pid: number, stateDir: string): Promise<'dead' | 'foreign' | 'ours'> {
  if (!(await isProcessAlive(pid))) return 'dead';
  const argv = await processArgv(pid);
  if (argv === null) return 'dead';
  return isDnsProcessOf(argv, stateDir) ? 'ours' : 'foreign';
}

/** Every live `bubo dns serve` of `stateDir` on this machine (a scan of /proc), lowest pid first. */
export async function findDnsProcesses(stateDir: string): Promise<number[]> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const pids = entries.filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => pid !== process.pid);
  // The argv first: it rules out nearly every process with one read.
  const found = await Promise.all(
    pids.map(async (pid) => {
      const argv = await processArgv(pid);
      return argv !== null && isDnsProcessOf(argv, stateDir) && (await isProcessAlive(pid)) ? pid : null;
    }),
  );
  return found.filter((pid): pid is number => pid !== null).sort((a, b) => a - b);
}
