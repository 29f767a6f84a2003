/**
 * One request to Firecracker's API socket. Paths and bodies follow `spec/firecracker-api.yaml`
 * (Swagger 2.0); the contract tests validate every request built here against it.
 */
export interface ApiRequest {
  method: 'GET' | 'PUT' | 'PATCH';
  path: string;
  body?: unknown;
}

/** One virtio-blk drive; attached in array order (see `planFirecrackerBoot`). */
export interface PlanDrive {
  /** Firecracker drive id: letters, digits and `_` only (Firecracker rejects anything else). */
  id: string;
  /** Path as the jailed Firecracker sees it (inside the chroot), e.g. `/config.ext4`. */
  path: string;
  readOnly: boolean;
}

export interface FirecrackerPlanInput {
  vcpus: number;
  memoryMiB: number;
  /** Uncompressed vmlinux, path inside the jail. */
  kernel: string;
  /** Initramfs, path inside the jail; null boots without one. */
  initrd: string | null;
  bootArgs: string;
  drives: PlanDrive[];
  /** Host tap device and the guest's MAC; null for an instance without a NIC. */
  network: { tap: string; mac: string; mtu?: number } | null;
  /** Host side of the vsock device (the UDS path inside the jail) and the guest's CID (>= 3). */
  vsock: { udsPath: string; guestCid: number } | null;
  /** Firecracker's own log (inside the jail; the file must exist). null: no `PUT /logger`. */
  logPath: string | null;
  /**
   * Guest serial console output (inside the jail). Under `jailer --daemonize` Firecracker's stdout
   * is /dev/null, so the console is only kept through `PUT /serial`. null: no `PUT /serial`.
   */
  consolePath: string | null;
}

/** Drive and interface ids Firecracker accepts (`validate_id`: alphanumeric or `_`, 1–64 chars). */
const FIRECRACKER_ID = /^[A-Za-z0-9_]{1,64}$/;

export class FirecrackerPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FirecrackerPlanError';
  }
}

/**
 * The requests that configure and boot one microVM, in the order they are sent: logger first (so
 * the rest is logged), serial console, machine, boot source, drives, NIC, vsock, then
 * `InstanceStart`. Drives are attached in request order and none is a root device (the guest
 * boots from the initramfs), so `drives[0]` is /dev/vda, `drives[1]` /dev/vdb, and so on, which
 * is the disk order of `src/vm/run-config.ts` (config, scratch, images).
 */
export function planFirecrackerBoot(input: FirecrackerPlanInput): ApiRequest[] {
  checkInput(input);
  const requests: ApiRequest[] = [];
  if (input.logPath) {
    requests.push({ method: 'PUT', path: '/logger', body: { log_path: input.logPath, level: 'Info', show_level: true, show_log_origin: false } });
  }
  if (input.consolePath) requests.push({ method: 'PUT', path: '/serial', body: { serial_out_path: input.consolePath } });
  requests.push({ method: 'PUT', path: '/machine-config', body: { vcpu_count: input.vcpus, mem_size_mib: input.memoryMiB, smt: false } });
  requests.push({
    method: 'PUT',
    path: '/boot-source',
    body: { kernel_image_path: input.kernel, ...(input.initrd ? { initrd_path: input.initrd } : {}), boot_args: input.bootArgs },
  });
  for (const drive of input.drives) {
    requests.push({
      method: 'PUT',
      path: `/drives/${drive.id}`,
      body: {
        drive_id: drive.id,
        path_on_host: drive.path,
        is_root_device: false,
        is_read_only: drive.readOnly,
        // The writable scratch disk is thrown away with the instance: flushes to the host buy nothing.
        cache_type: 'Unsafe',
        io_engine: 'Sync',
      },
    });
  }
  if (input.network) {
    const { tap, mac, mtu } = input.network;
    requests.push({
      method: 'PUT',
      path: `/network-interfaces/${NIC_ID}`,
      body: { iface_id: NIC_ID, host_dev_name: tap, guest_mac: mac, ...(mtu ? { mtu } : {}) },
    });
  }
  if (input.vsock) requests.push({ method: 'PUT', path: '/vsock', body: { guest_cid: input.vsock.guestCid, uds_path: input.vsock.udsPath } });
  requests.push({ method: 'PUT', path: '/actions', body: { action_type: 'InstanceStart' } });
  return requests;
}

/**
 * The graceful stop: Firecracker injects Ctrl+Alt+Del through its i8042 controller; the guest
 * kernel turns it into SIGINT for PID 1 (needs CONFIG_SERIO_I8042 and CONFIG_KEYBOARD_ATKBD),
 * whose init stops the containers and reboots; with `reboot=k` the reboot makes Firecracker exit.
 */
export function planFirecrackerStop(): ApiRequest {
  return { method: 'PUT', path: '/actions', body: { action_type: 'SendCtrlAltDel' } };
}

/** The guest's only NIC. */
export const NIC_ID = 'eth0';

function checkInput(input: FirecrackerPlanInput): void {
  if (!Number.isInteger(input.vcpus) || input.vcpus < 1 || input.vcpus > 32) {
    throw new FirecrackerPlanError(`vcpus must be an integer from 1 to 32 (Firecracker's limit), got ${input.vcpus}`);
  }
  if (!Number.isInteger(input.memoryMiB) || input.memoryMiB < 1) {
    throw new FirecrackerPlanError(`memoryMiB must be a positive integer, got ${input.memoryMiB}`);
  }
  const seen = new Set<string>();
  for (const drive of input.drives) {
    if (!FIRECRACKER_ID.test(drive.id)) {
      throw new FirecrackerPlanError(`drive id ${JSON.stringify(drive.id)} must be 1-64 letters, digits or "_" (Firecracker rejects other ids)`);
    }
    if (seen.has(drive.id)) throw new FirecrackerPlanError(`drive id ${JSON.stringify(drive.id)} is used twice`);
    seen.add(drive.id);
  }
  if (input.vsock && (!Number.isInteger(input.vsock.guestCid) || input.vsock.guestCid < 3)) {
    throw new FirecrackerPlanError(`vsock guestCid must be an integer >= 3 (0-2 are reserved), got ${input.vsock.guestCid}`);
  }
  if (input.network && !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(input.network.mac)) {
    throw new FirecrackerPlanError(`guest MAC ${JSON.stringify(input.network.mac)} is not of the form 02:00:00:00:00:01`);
  }
}
