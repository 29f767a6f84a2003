import type { RestartPolicy } from '../../domain/task-spec.js';
import type { RecordBase } from '../recorded-instances.js';
import type { QemuAccel } from './build-qemu-argv.js';

/**
 * `instance.json` of a microVM: read by inspect, list, logs, exec and stop (also after an agent
 * restart). Phase `starting` until the guest reported ready, then `started`.
 */
export interface QemuRecord extends RecordBase {
  accel: QemuAccel;
  /** The tap QEMU was started with (for people debugging; `network.detach` removes it). */
  tap: string | null;
  containers: { name: string; restart: RestartPolicy; digest?: string }[];
  /** Volume disks (image paths) attached to the VM; absent in records written before volumes. */
  volumes?: string[];
}
