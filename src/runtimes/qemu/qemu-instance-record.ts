import type { RestartPolicy } from '../../taskfile/task-spec.js';
import { readJsonRecord, writeJsonRecord } from '../json-record.js';
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

export function readQemuInstanceRecord(path: string): Promise<QemuInstanceRecord | null> {
  return readJsonRecord<QemuInstanceRecord>(path);
}

export function writeQemuInstanceRecord(path: string, record: QemuInstanceRecord): Promise<void> {
  return writeJsonRecord(path, record);
}
