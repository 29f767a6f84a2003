import { readFile, writeFile, rename } from 'node:fs/promises';
import type { RestartPolicy } from '../../taskfile/task-spec.js';

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

export async function readInstanceRecord(path: string): Promise<InstanceRecord | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as InstanceRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Written to a temporary file and renamed, so a crash never leaves half a record. */
export async function writeInstanceRecord(path: string, record: InstanceRecord): Promise<void> {
  await writeFile(`${path}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}
