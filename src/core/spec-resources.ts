import { cpusToMillicpus, type Resources } from '../domain/resources.js';
import type { TaskSpec } from '../domain/task-spec.js';

/** What one instance of a task occupies on a host: volumes live on the host's disk too. */
export function specResources(spec: TaskSpec): Resources {
  const volumes = spec.volumes.reduce((sum, v) => sum + v.size_mib, 0);
  return {
    millicpus: cpusToMillicpus(spec.resources.cpus),
    memoryMib: spec.resources.memory_mib,
    diskMib: spec.resources.disk_mib + volumes,
  };
}
