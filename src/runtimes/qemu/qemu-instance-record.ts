import { readFile, rename, writeFile } from 'node:fs/promises';
import type { RestartPolicy } from '../../taskfile/task-spec.js';
import type { QemuAccel } from './build-qemu-argv.js';

/**
 * `instance.json` of a microVM: written at start, read by inspect, list, logs and stop (also
 * after an agent restart). Same phases as runc's record: `starting` until the guest reported
 * ready, then `started`; a `starting` record no start of this process works on was left by a crash.
 */
export interface QemuInstanceRecord {
  id: string;
  app: string;
  namespace: string;
  address: string | null;
  startedAt: number;
  phase: 'starting' | 'started';
  accel: QemuAccel;
  /** The tap QEMU was started with (for people debugging; `network.detach` removes it). */
  tap: string | null;
  containers: { name: string; restart: RestartPolicy; digest?: string }[];
}

export async function readQemuInstanceRecord(path: string): Promise<QemuInstanceRecord | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as QemuInstanceRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Written to a temporary file and renamed, so a crash never leaves half a record. */
export async function writeQemuInstanceRecord(path: string, record: QemuInstanceRecord): Promise<void> {
  await writeFile(`${path}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}
