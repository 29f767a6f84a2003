import { readdir, readFile } from 'node:fs/promises';

/**
 * Process facts read from /proc. A master whose parent does not reap it (an agent that
 * daemonized it and died, a PID 1 that is no init) stays a zombie after it exits: signal 0 still
 * succeeds on it, so liveness is read from the state field instead.
 */
export async function isProcessAlive(pid: number): Promise<boolean> {
  const stat = await readStat(pid);
  return stat !== null && stat.state !== 'Z' && stat.state !== 'X';
}

/** The master whose pid is in `pidFile`, if it is alive and runs `conf` (a reused pid is not ours). */
export async function findNginxMaster(pidFile: string, conf: string): Promise<number | null> {
  const text = await readFile(pidFile, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0 || !(await isProcessAlive(pid))) return null;
  const title = await processTitle(pid);
  return title?.startsWith('nginx: master process') && title.includes(` -c ${conf}`) ? pid : null;
}

export interface NginxWorker {
  pid: number;
  /** Told to quit by a reload: it serves its open connections and accepts no new ones. */
  shuttingDown: boolean;
}

/** The live children of `masterPid` that are workers. */
export async function listNginxWorkers(masterPid: number): Promise<NginxWorker[]> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const workers: NginxWorker[] = [];
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (entry) => {
        const pid = Number(entry);
        const stat = await readStat(pid);
        if (stat?.ppid !== masterPid || stat.state === 'Z' || stat.state === 'X') return;
        const title = await processTitle(pid);
        if (title?.startsWith('nginx: worker process')) workers.push({ pid, shuttingDown: title.includes('is shutting down') });
      }),
  );
  return workers.sort((a, b) => a.pid - b.pid);
}

async function readStat(pid: number): Promise<{ state: string; ppid: number } | null> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (text === null) return null;
  // The command name is in parentheses and may itself contain ") "; the fields after the last ")" are fixed.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', ppid: Number(fields[1]) };
}

/** nginx rewrites its argv into a title: "nginx: master process nginx -p … -c …", "nginx: worker process". */
async function processTitle(pid: number): Promise<string | null> {
  const text = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  return text === null ? null : text.replace(/\0+$/, '').replaceAll('\0', ' ');
}
