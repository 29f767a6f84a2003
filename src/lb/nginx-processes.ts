import { readdir, readFile } from 'node:fs/promises';
import { isProcessAlive, readProcessStat } from '../exec/process-stat.js';

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
        const stat = await readProcessStat(pid);
        if (stat?.ppid !== masterPid || stat.state === 'Z' || stat.state === 'X') return;
        const title = await processTitle(pid);
        if (title?.startsWith('nginx: worker process')) workers.push({ pid, shuttingDown: title.includes('is shutting down') });
      }),
  );
  return workers.sort((a, b) => a.pid - b.pid);
}

/** nginx rewrites its argv into a title: "nginx: master process nginx -p … -c …", "nginx: worker process". */
async function processTitle(pid: number): Promise<string | null> {
  const text = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  return text === null ? null : text.replace(/\0+$/, '').replaceAll('\0', ' ');
}
