/**
 * One volume on this host, as the agent knows it: `id` is stable and filesystem-safe
 * (`volumeId()`), `sizeMib` what the task file asks for now (a larger size grows the volume).
 */
export interface VolumeRef {
  id: string;
  sizeMib: number;
}

export interface VolumeUsage {
  sizeMib: number;
  usedMib: number;
}

/**
 * A storage driver: one folder each (`file/`, `dir/`, `lvm/`), the same conformance suite
 * (`volume-driver-conformance.ts`). Every method is idempotent: the agent may crash between
 * any two steps and call it again.
 *
 * runc bind-mounts `mount()`'s path into the containers; a microVM attaches `device()` as a
 * virtio disk (the host must not have it mounted then: `unmount()` first).
 */
export interface VolumeDriver {
  readonly kind: 'file' | 'dir' | 'lvm';
  /** Creates the volume (an empty ext4 filesystem, or a directory) if missing; grows it when `sizeMib` is larger (unmounting it for that); never shrinks. Called only while no instance uses it. */
  ensure(ref: VolumeRef): Promise<void>;
  /** Mounts it on the host (if the driver needs to) and returns the directory holding its data. */
  mount(ref: VolumeRef): Promise<string>;
  unmount(id: string): Promise<void>;
  /** The block device or disk image a microVM attaches; null for drivers without one (`dir`). */
  device(id: string): string | null;
  usage(id: string): Promise<VolumeUsage>;
  /**
   * A point-in-time copy named `name`: consistent at the filesystem level (the driver freezes a
   * mounted filesystem while it copies). Refuses a name that exists.
   */
  snapshot(id: string, name: string): Promise<void>;
  listSnapshots(id: string): Promise<string[]>;
  /** Replaces the volume's data with the snapshot's; the volume must not be in use (unmounted, or the caller stopped its instance). */
  restoreSnapshot(id: string, name: string): Promise<void>;
  /** Where a snapshot's data is (a disk image for `file`, a directory for `dir`): what a backup archives. */
  snapshotPath(id: string, name: string): string;
  /**
   * For drivers whose snapshots are not files (`lvm`: a logical volume): writes the snapshot's
   * data to `snapshotPath` (a sparse disk image) and returns it; `removeSnapshot` deletes it too.
   */
  exportSnapshot?(id: string, name: string): Promise<string>;
  /** Replaces the volume's data with data in the snapshot format at `path` (an unpacked backup); `path` is consumed. */
  restoreFrom(id: string, path: string): Promise<void>;
  removeSnapshot(id: string, name: string): Promise<void>;
  /** Deletes the volume and its snapshots. */
  remove(id: string): Promise<void>;
  /** Every volume id this driver holds on the host. */
  list(): Promise<string[]>;
}
