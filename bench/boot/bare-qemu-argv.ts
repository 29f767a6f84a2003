import { guestCmdline, type QemuAccel, qemuMachineArgs } from '../../src/runtimes/qemu/build-qemu-argv.js';

export interface BareQemuInput {
  kernel: string;
  initramfs: string;
  accel: QemuAccel;
  memoryMiB: number;
  vcpus: number;
  tscKhz: number;
  /** vda, vdb, vdc… as bubo attaches them: config (read-only), scratch, image disks (read-only). */
  disks: { path: string; readOnly: boolean }[];
  tap: string;
  mac: string;
  dir: string;
}

/**
 * The baseline: PLATFORM §1.5's command line as a person would type it (foreground, console with
 * `-serial file:`, no `-daemonize`/`-pidfile`), with the same kernel, initramfs, kernel command
 * line, machine, accelerator, memory, vCPUs, disks and NIC as `buildQemuArgv` gives bubo's VM.
 */
export function bareQemuArgv(input: BareQemuInput): [string, ...string[]] {
  const drives = input.disks.flatMap((disk, i) => [
    '-drive',
    `id=d${i},file=${disk.path},format=raw,if=none,${disk.readOnly ? 'readonly=on' : 'cache=unsafe'}`,
    '-device',
    `virtio-blk-device,drive=d${i}`,
  ]);
  return [
    'qemu-system-x86_64',
    ...qemuMachineArgs(input.accel, input.memoryMiB, input.vcpus),
    '-serial',
    `file:${input.dir}/console.log`,
    '-qmp',
    `unix:${input.dir}/qmp.sock,server=on,wait=off`,
    '-kernel',
    input.kernel,
    '-initrd',
    input.initramfs,
    '-no-reboot',
    '-append',
    guestCmdline(input.tscKhz),
    ...drives,
    '-netdev',
    `tap,id=n0,ifname=${input.tap},script=no,downscript=no,vhost=off`,
    '-device',
    `virtio-net-device,netdev=n0,mac=${input.mac}`,
    '-device',
    'virtio-serial-device',
    '-chardev',
    `socket,id=ctl,path=${input.dir}/ctl.sock,server=on,wait=off`,
    '-device',
    'virtserialport,chardev=ctl,name=ctl0',
  ];
}
