import { join } from 'node:path';

/**
 * Where a microVM instance lives under `stateDir`:
 *
 *     instances/<id>/instance.json        what start wrote: containers, address, tap, accel, phase
 *     instances/<id>/qemu.pid             written by QEMU itself (-pidfile), before it daemonizes
 *     instances/<id>/qemu.argv            the command line, for people debugging (no secrets in it)
 *     instances/<id>/console.log (.1 …)   the guest's serial console: kernel, init, `[container] ` lines
 *     instances/<id>/qmp.sock, ctl.sock   QMP and the guest control channel (virtio-serial)
 *     instances/<id>/config.ext4          vda: run config and secrets (read-only)
 *     instances/<id>/scratch.ext4         vdb: the containers' writable layers
 *
 * Image disks (vdc …) are shared by every instance of an image and live with the VM parts.
 */
export class QemuInstanceLayout {
  constructor(
    readonly stateDir: string,
    readonly id: string,
  ) {}

  static instancesDir(stateDir: string): string {
    return join(stateDir, 'instances');
  }

  get dir(): string {
    return join(QemuInstanceLayout.instancesDir(this.stateDir), this.id);
  }
  get record(): string {
    return join(this.dir, 'instance.json');
  }
  get pidfile(): string {
    return join(this.dir, 'qemu.pid');
  }
  get argvFile(): string {
    return join(this.dir, 'qemu.argv');
  }
  get consoleLog(): string {
    return join(this.dir, 'console.log');
  }
  get qmpSocket(): string {
    return join(this.dir, 'qmp.sock');
  }
  get controlSocket(): string {
    return join(this.dir, 'ctl.sock');
  }
  get configDisk(): string {
    return join(this.dir, 'config.ext4');
  }
  get scratchDisk(): string {
    return join(this.dir, 'scratch.ext4');
  }
}
