import type { RecordBase } from '../recorded-instances.js';

/** `instance.json` of a Firecracker microVM: read by inspect, list and stop (also after an agent restart). Phase `starting` until `InstanceStart` succeeded. */
export interface FirecrackerRecord extends RecordBase {
  /** The jailer `--id` (see `jailId`). */
  jailId: string;
  /** The jailer's pid, which becomes Firecracker's; null until launched. */
  pid: number | null;
  /** Container name → image digest, once the disks are prepared. */
  images: Record<string, string>;
}
