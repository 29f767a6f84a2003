import { readFile, writeFile, rename } from 'node:fs/promises';
import type { RestartPolicy } from '../../taskfile/task-spec.js';

/** `instance.json`: written at start, read by inspect, list, supervise and stop (also after an agent restart). */
export interface InstanceRecord {
  id: string;
  app: string;
  namespace: string;
  address: string | null;
  startedAt: number;
  containers: ContainerRecord[];
}

export interface ContainerRecord {
  name: string;
  /** runc container id: `<instanceId>-<name>`. */
  runcName: string;
  restart: RestartPolicy;
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
