import type { InstanceNetwork } from '../../net/network-provider.js';
import type { InstanceDisks } from '../../vm/instance-disks.js';
import type { StartRequest } from '../runtime.js';
import { CONTROL_VSOCK_PORT } from './vsock-connect.js';

/**
 * The disks of one microVM, in the order of `src/vm/run-config.ts`: vda = config (run.json,
 * read-only), vdb = scratch (writable, per instance), vdc… = image disks (read-only, shared).
 */
export type VmDisks = InstanceDisks;

/**
 * What the Firecracker runtime needs from the guest kit (`src/vm/`); `defaultFirecrackerGuest()`
 * (default-firecracker-guest.ts) is the real one, tests use fakes. Both methods must be safe to
 * call again for the same instance (a start after a crash re-runs them).
 */
export interface FirecrackerGuest {
  /**
   * Kernel and initramfs every VM boots. Firecracker boots only an uncompressed vmlinux, and its
   * virtio devices are announced on the kernel command line (`virtio_mmio.device=…`), so the
   * kernel needs CONFIG_VIRTIO_MMIO=y and CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES=y (see README.md).
   */
  kit(signal?: AbortSignal): Promise<{ kernel: string; initramfs: string | null }>;
  /**
   * Pulls the task's images and writes the instance's disks: the config disk (run.json, with
   * `network`), the scratch disk and the image disks. Per-instance files are created under `dir`
   * (the instance's state directory). `images` maps container name to image digest.
   */
  prepareDisks(request: StartRequest, network: InstanceNetwork, dir: string, signal?: AbortSignal): Promise<{ disks: VmDisks; images: Record<string, string> }>;
}

/**
 * The guest kernel command line under Firecracker. Differences from QEMU's: `reboot=k` (a guest
 * reboot resets through the i8042 controller, which makes Firecracker exit) with `bubo.halt=reboot`
 * (the guest init ends with `reboot -f` instead of `poweroff -f`, which would leave Firecracker
 * running), `bubo.control=vsock:<port>` (no virtio-serial under Firecracker; the guest agent would
 * listen there, see README.md for why it cannot yet), `pci=off` (there is no PCI bus), and no
 * `tsc_early_khz` (with hardware KVM the guest has kvm-clock). Disks are found by ext4 label, so
 * none is named here. Never secrets here: the command line is readable through the API and in the
 * guest.
 */
export function firecrackerBootArgs(extra: readonly string[] = []): string {
  return ['console=ttyS0', 'quiet', 'reboot=k', 'panic=1', 'pci=off', 'bubo.halt=reboot', `bubo.control=vsock:${CONTROL_VSOCK_PORT}`, ...extra].join(' ');
}
