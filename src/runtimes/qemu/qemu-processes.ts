import { readdir, readFile } from 'node:fs/promises';
import { sleep } from '../wait-until.js';
import type { QemuInstanceLayout } from './instance-layout.js';

/** The pid in QEMU's pidfile when that process is alive and is this instance's QEMU, else null. */
export async function qemuPid(layout: QemuInstanceLayout): Promise<number | null> {
  const pid = Number((await readFile(layout.pidfile, 'utf8').catch(() => '')).trim());
  return pid > 0 && (await isQemuOf(pid, layout)) ? pid : null;
}

/**
 * Every live QEMU of this instance: the pidfile's, and any found in /proc by its `-pidfile`
 * argument (an agent killed during `launch` may leave one whose pidfile is not written yet).
 */
export async function qemuPids(layout: QemuInstanceLayout): Promise<number[]> {
  const pids = new Set<number>();
  const fromFile = await qemuPid(layout);
  if (fromFile !== null) pids.add(fromFile);
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (/^\d+$/.test(entry) && (await isQemuOf(Number(entry), layout))) pids.add(Number(entry));
  }
  return [...pids];
}

/** True once no QEMU of this instance is left, false when `timeoutMs` passed first. */
export async function waitQemuGone(layout: QemuInstanceLayout, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await qemuPids(layout)).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
}

export function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** True when `pid` is a live (not zombie) QEMU started with this instance's pidfile. */
async function isQemuOf(pid: number, layout: QemuInstanceLayout): Promise<boolean> {
  const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
  const at = argv.indexOf('-pidfile');
  return at > 0 && argv[at + 1] === layout.pidfile;
}
