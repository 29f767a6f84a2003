import { readdir, readFile, readlink } from 'node:fs/promises';

export interface HostProcess {
  pid: number;
  argv: string[];
  cwd: string;
}

/** The argv of a live process ([] when it is gone or a zombie). */
export async function cmdline(pid: number): Promise<string[]> {
  const text = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return text === '' ? [] : text.split('\0').filter((a) => a !== '');
}

/** Every live process whose command line or working directory mentions `dir`. */
export async function processesUnder(dir: string): Promise<HostProcess[]> {
  const found: HostProcess[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const argv = await cmdline(pid);
    if (argv.length === 0) continue;
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
    if (cwd === dir || cwd.startsWith(`${dir}/`) || argv.some((a) => a.includes(dir))) found.push({ pid, argv, cwd });
  }
  return found;
}

/** Live QEMU processes whose `-pidfile` lies under `dir`, by pid. */
export async function qemusUnder(dir: string): Promise<number[]> {
  return (await processesUnder(dir)).filter((p) => /qemu-system/.test(p.argv[0] ?? '') && (p.argv[p.argv.indexOf('-pidfile') + 1] ?? '').startsWith(`${dir}/`)).map((p) => p.pid);
}
