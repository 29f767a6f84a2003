import type { RestartPolicy } from '../../taskfile/task-spec.js';
import { readJsonRecord, writeJsonRecord } from '../json-record.js';

/** `instance.json`: written at start, read by inspect, list, supervise and stop (also after an agent restart). */
export interface InstanceRecord {
  id: string;
  app: string;
  namespace: string;
  address: string | null;
  startedAt: number;
  /**
   * `starting` from the first step of `start` until every container runs, then `started`. A
   * record still `starting` that no start of this process is working on was left by a crash: it
   * is reported as exited ("start interrupted"). Records written before this field: `started`.
   */
  phase?: 'starting' | 'started';
  containers: ContainerRecord[];
}

export interface ContainerRecord {
  name: string;
  /** runc container id: `<instanceId>-<name>`. */
  runcName: string;
  restart: RestartPolicy;
  /** Image manifest digest (`sha256:…`), once pulled; protects the image from garbage collection. */
  digest?: string;
}

export function readInstanceRecord(path: string): Promise<InstanceRecord | null> {
  return readJsonRecord<InstanceRecord>(path);
}

export function writeInstanceRecord(path: string, record: InstanceRecord): Promise<void> {
  return writeJsonRecord(path, record);
}
