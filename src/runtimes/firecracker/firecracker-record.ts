import { readJsonRecord, writeJsonRecord } from '../json-record.js';

/** `instance.json` of a microVM: written first at start, read by inspect, list and stop (also after an agent restart). */
export interface FirecrackerRecord {
  id: string;
  app: string;
  namespace: string;
  address: string | null;
  startedAt: number;
  /**
   * `starting` until `InstanceStart` succeeded, then `started`. A record still `starting` that no
   * start of this process is working on was left by a crash: it is reported as exited.
   */
  phase: 'starting' | 'started';
  /** The jailer `--id` (see `jailId`). */
  jailId: string;
  /** The jailer's pid, which becomes Firecracker's; null until launched. */
  pid: number | null;
  /** Container name → image digest, once the disks are prepared. */
  images: Record<string, string>;
}

export function readFirecrackerRecord(path: string): Promise<FirecrackerRecord | null> {
  return readJsonRecord<FirecrackerRecord>(path);
}

export function writeFirecrackerRecord(path: string, record: FirecrackerRecord): Promise<void> {
  return writeJsonRecord(path, record);
}
