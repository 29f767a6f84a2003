export type QemuAccel = 'kvm' | 'tcg';

/** One virtio-blk disk, attached in array order (vda, vdb, …; see `src/vm/run-config.ts`). */
export interface QemuDisk {
  path: string;
  format: 'raw' | 'qcow2';
  /**
   * Read-only disks (config, shared image disks) are opened `readonly=on`, so many VMs can share
   * one file. The writable scratch disk uses `cache=unsafe`: it is thrown away with the instance,
   * so flushes to the host buy nothing.
   */
  readOnly: boolean;
  /**
   * A volume: writable and kept, so opened `cache=writeback` (the guest's flushes reach the
   * host's disk, where the scratch disk's `cache=unsafe` would drop them), with this virtio
   * serial, which is how the guest finds it (`run-config.ts`, at most 20 characters).
   */
  volumeSerial?: string;
}

export interface QemuArgvInput {
  /** `qemu-system-x86_64` or a path to it. */
  qemu: string;
  kernel: string;
  initramfs: string;
  accel: QemuAccel;
  vcpus: number;
  memoryMiB: number;
  disks: QemuDisk[];
  /** Host tap device on the bridge; null for an instance without a NIC. */
  tap: string | null;
  /** `02:…` from `instanceMac(id)`. */
  mac: string;
  consoleLog: string;
  qmpSocket: string;
  controlSocket: string;
  pidfile: string;
  /** Host TSC frequency in kHz (`tsc_early_khz`, mandatory under TCG: PLATFORM §1.5). */
  tscKhz: number;
  /** Extra kernel parameters (never secrets: they are visible in `ps`). */
  extraCmdline?: string[];
}

/** The guest kernel's command line; the guest finds everything else on the config disk (vda). */
export function guestCmdline(tscKhz: number, extra: readonly string[] = []): string {
  return ['console=ttyS0', 'quiet', 'panic=-1', 'reboot=t', `tsc_early_khz=${tscKhz}`, 'bubo.config=/dev/vda', ...extra].join(' ');
}

/**
 * The QEMU command line of PLATFORM §1.5 (microvm, PVH vmlinux, verified under TCG), daemonized
 * with a pidfile so the VM outlives the agent. One deviation: the console goes through
 * `-chardev file,append=on` instead of `-serial file:`, because `-serial file:` opens the log with
 * O_TRUNC and without O_APPEND, and copy-truncate rotation needs the writer to append.
 * `acpi` stays on: Debian's kernel finds virtio-mmio devices only through ACPI.
 */
export function buildQemuArgv(input: QemuArgvInput): [string, ...string[]] {
  const drives = input.disks.flatMap((disk, i) => {
    if (disk.volumeSerial !== undefined) {
      if (!/^[A-Za-z0-9-]{1,20}$/.test(disk.volumeSerial)) throw new Error(`volume disk serial ${JSON.stringify(disk.volumeSerial)}: 1–20 letters, digits or -`);
      return ['-drive', `id=d${i},file=${opt(disk.path)},format=${disk.format},if=none,cache=writeback`, '-device', `virtio-blk-device,drive=d${i},serial=${disk.volumeSerial}`];
    }
    const mode = disk.readOnly ? 'readonly=on' : 'cache=unsafe';
    return ['-drive', `id=d${i},file=${opt(disk.path)},format=${disk.format},if=none,${mode}`, '-device', `virtio-blk-device,drive=d${i}`];
  });
  const nic = input.tap
    ? ['-netdev', `tap,id=n0,ifname=${input.tap},script=no,downscript=no,vhost=off`, '-device', `virtio-net-device,netdev=n0,mac=${input.mac}`]
    : [];
  return [
    input.qemu,
    ...qemuMachineArgs(input.accel, input.memoryMiB, input.vcpus),
    '-chardev',
    `file,id=con0,path=${opt(input.consoleLog)},append=on`,
    '-serial',
    'chardev:con0',
    '-qmp',
    `unix:${opt(input.qmpSocket)},server=on,wait=off`,
    '-daemonize',
    '-pidfile',
    input.pidfile,
    '-kernel',
    input.kernel,
    '-initrd',
    input.initramfs,
    '-no-reboot',
    '-append',
    guestCmdline(input.tscKhz, input.extraCmdline),
    ...drives,
    ...nic,
    '-device',
    'virtio-serial-device',
    '-chardev',
    `socket,id=ctl,path=${opt(input.controlSocket)},server=on,wait=off`,
    '-device',
    'virtserialport,chardev=ctl,name=ctl0',
  ];
}

/** A value inside a QEMU `key=value,…` option: a comma is written twice. */
function opt(value: string): string {
  return value.replaceAll(',', ',,');
}

/**
 * The machine part every bubo QEMU command line shares: the microvm machine, the accelerator and
 * its CPU model, memory, vCPUs, and nothing QEMU would add by default.
 */
export function qemuMachineArgs(accel: QemuAccel, memoryMiB: number, vcpus: number): string[] {
  const cpu = accel === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg', '-cpu', 'max'];
  return ['-M', 'microvm,x-option-roms=off,isa-serial=on,rtc=on', ...cpu, '-m', String(memoryMiB), '-smp', String(vcpus), '-nodefaults', '-no-user-config', '-display', 'none'];
}

/**
 * A boot without disks, NIC or daemonizing, the console on stdout and without `quiet` (so the
 * kernel prints "Run /init as init process"): to learn whether an accelerator runs a guest at all.
 */
export function buildProbeArgv(input: Pick<QemuArgvInput, 'qemu' | 'kernel' | 'initramfs' | 'accel' | 'tscKhz'>): [string, ...string[]] {
  return [
    input.qemu,
    ...qemuMachineArgs(input.accel, 128, 1),
    '-serial',
    'stdio',
    '-kernel',
    input.kernel,
    '-initrd',
    input.initramfs,
    '-no-reboot',
    '-append',
    `console=ttyS0 panic=-1 reboot=t tsc_early_khz=${input.tscKhz}`,
  ];
}
