import type { PulledImage } from '../../images/image-provider.js';
import type { RunConfig } from '../../vm/run-config.js';
import type { ExecResult } from '../../domain/exec-result.js';

/**
 * What the QEMU runtime needs from `src/vm/` (the guest kit, the disks, the control channel),
 * as an interface so that the runtime can be built and unit-tested before and apart from it.
 * `defaultMicroVmParts()` (default-micro-vm-parts.ts) wires the real functions.
 */
export interface MicroVmParts {
  /** The kernel and initramfs, built on first use; `version` changes when either changes. */
  guestKit(): Promise<{ kernel: string; initramfs: string; version: string }>;
  /** The shared read-only ext4 disk of `image` (built once per digest); its path. Refuses an image bigger than `limitMiB`. */
  imageDisk(image: PulledImage, limitMiB: number): Promise<string>;
  /** Creates the sparse, writable scratch disk (ext4) of `sizeMiB` at `path`. */
  scratchDisk(path: string, sizeMiB: number): Promise<void>;
  /** Writes the config disk (ext4 with run.json, the guest's files and the value of each file secret `config` lists, from `secrets`) at `path`. */
  configDisk(path: string, config: RunConfig, secrets: Readonly<Record<string, string>>): Promise<void>;
  /** Connects to the guest's control channel (virtio-serial port ctl0) through QEMU's socket. */
  connectControl(socketPath: string): Promise<GuestControl>;
}

/** The host side of the guest control channel (`src/vm/control-client.ts`). */
export interface GuestControl {
  exec(container: string | null, argv: string[], timeoutMs: number): Promise<ExecResult>;
  /** Asks the guest to stop every container (SIGTERM, then SIGKILL after its stop timeout) and power off. */
  shutdown(): Promise<void>;
  ping(): Promise<void>;
  /** fsfreeze of volume disk `volume` (its index in the run config) inside the guest, and back. */
  freeze(volume: number): Promise<void>;
  thaw(volume: number): Promise<void>;
  close(): void;
}
