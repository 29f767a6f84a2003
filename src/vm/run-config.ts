/**
 * The contract between the host and a microVM's guest init, shared by every microVM runtime
 * (qemu, firecracker). The host writes it as `/run.json` on the instance's config disk; the guest
 * init reads it there. Nothing in it ever goes on the kernel command line or into a host process's
 * arguments (it carries resolved secrets).
 *
 * Disks (virtio-blk). The guest finds each by its ext4 label (config `bubo-config`, scratch
 * `bubo-scratch`, image `bi<14 hex of the digest>`, see vm/guest-files.ts), so the attach order
 * below is the convention, not something the guest relies on:
 *   vda = config disk (small ext4: run.json, read-only)
 *   vdb = scratch disk (sparse ext4 made by the host, sized from resources.disk): per-container
 *         overlay upper/work directories and scratch space
 *   vdc, vdd, ... = image disks (read-only ext4, one per distinct image digest, `imageDisks` order)
 *   then one disk per volume (ext4, writable, kept by the host's volume driver), `volumes` order;
 *         volumes are found by their virtio serial (`bubo-vol<i>`), since their ext4 has no
 *         label bubo chose (a restored backup keeps whatever it had)
 *
 * Kernel command line (the only other input): `console=ttyS0 quiet panic=-1 reboot=t
 * tsc_early_khz=<host TSC kHz>` (plus `bubo.bus=pci` on a PCI machine such as q35; under
 * Firecracker `bubo.halt=reboot` and `bubo.control=vsock:<port>`, see vm/README.md; unknown
 * parameters are ignored). The guest prints one line `BUBO_GUEST_READY` on the console once every
 * container has been started.
 */
export interface RunConfig {
  /** Format version; bumped on incompatible change (the guest refuses what it does not know). */
  version: 1;
  instanceId: string;
  hostname: string;
  /** null: no NIC (a run-to-completion job). */
  network: GuestNetwork | null;
  /** Index into the image disks (0 = vdc) for each container, by position. */
  containers: GuestContainer[];
  /** Digests in attach order: imageDisks[0] is vdc. */
  imageDisks: string[];
  /**
   * The instance's volumes, attached after the image disks; every container gets each one at its
   * path. Added after version 1 shipped: optional (absent = none), so older hosts' files still parse.
   */
  volumes?: GuestVolume[];
}

/** One volume disk of an instance. */
export interface GuestVolume {
  /** The task file's name (`data`), for messages. */
  name: string;
  /** Absolute mount point inside every container. */
  path: string;
  /** The disk's virtio serial, how the guest finds it (at most 20 characters): `bubo-vol<i>`. */
  serial: string;
}

/** The virtio serial of volume disk `index` (QEMU and Firecracker both cap serials at 20 bytes). */
export function volumeSerial(index: number): string {
  return `bubo-vol${index}`;
}

export interface GuestNetwork {
  /** `10.210.0.2/24` */
  address: string;
  gateway: string;
  /** nameserver lines for every container's /etc/resolv.conf */
  dns: string[];
  /** Search domains for /etc/resolv.conf. */
  search: string[];
  mtu: number;
}

export interface GuestContainer {
  name: string;
  /** Index into `imageDisks`. */
  imageDisk: number;
  /** Full argv (entrypoint + cmd, task overrides applied). */
  args: string[];
  /** `KEY=value` entries: image env, task env, environment secrets (later wins), then bubo's own. */
  env: string[];
  workdir: string;
  /** `uid:gid` numbers, resolved by the host from the image's /etc/passwd and /etc/group. */
  user: string;
  restart: 'always' | 'on-failure' | 'never';
  stopTimeoutMs: number;
  /**
   * Signal that asks the container to stop (`SIGTERM`, `SIGQUIT`, `15`...), from the image's
   * StopSignal; absent means SIGTERM. Added after version 1 shipped: optional, so older hosts' files
   * still parse.
   */
  stopSignal?: string;
  /**
   * Secrets the container reads as files: the guest copies each config-disk file to a tmpfs, owns
   * it to `user`, mode 0400, and bind-mounts it read-only at `path` before the container starts.
   * Added after version 1 shipped: optional (absent = none), so older hosts' files still parse.
   */
  secretFiles?: GuestSecretFile[];
}

/** One file secret of a container. The value is not here: it is its own file on the config disk. */
export interface GuestSecretFile {
  /** The secret's name (for messages). */
  name: string;
  /** Absolute path inside the container. */
  path: string;
  /** Its file on the config disk (0600), e.g. `c0-TLS_KEY.secret`. */
  file: string;
}
