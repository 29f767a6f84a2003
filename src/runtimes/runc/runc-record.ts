import type { RestartPolicy } from '../../domain/task-spec.js';
import type { RecordBase } from '../recorded-instances.js';

/** `instance.json` of a runc instance: read by inspect, list, supervise, logs, exec and stop (also after an agent restart). */
export interface RuncRecord extends RecordBase {
  containers: RuncContainerRecord[];
}

export interface RuncContainerRecord {
  name: string;
  /** runc container id: `<instanceId>-<name>`. */
  runcName: string;
  restart: RestartPolicy;
  /** Image manifest digest (`sha256:…`), once pulled; protects the image from garbage collection. */
  digest?: string;
}
