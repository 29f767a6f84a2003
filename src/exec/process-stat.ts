import { readFile } from 'node:fs/promises';

/**
 * Process facts read from /proc. A master whose parent does not reap it (an agent that
 * daemonized it and died, a PID 1 that is no init) stays a zombie after it exits: signal 0 still
 * succeeds on it, so liveness is read from the state field instead.
 */
export async function isProcessAlive(pid: number): Promise<boolean> {
  const stat = await readProcessStat(pid);
  return stat !== null && stat.state !== 'Z' && stat.state !== 'X';
}

/** State and parent of a process, from /proc/PID/stat; null when it is gone. */
export async function readProcessStat(pid: number): Promise<{ state: string; ppid: number } | null> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (text === null) return null;
  // The command name is in parentheses and may itself contain ") "; the fields after the last ")" are fixed.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', ppid: Number(fields[1]) };
}
