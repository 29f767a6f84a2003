import { describe, expect, it } from 'vitest';
import { buildProbeArgv, buildQemuArgv, guestCmdline, type QemuArgvInput } from './build-qemu-argv.js';

const base: QemuArgvInput = {
  qemu: 'qemu-system-x86_64',
  kernel: '/kit/vmlinux',
  initramfs: '/kit/initramfs.cpio',
  accel: 'tcg',
  vcpus: 1,
  memoryMiB: 256,
  disks: [
    { path: '/s/i1/config.ext4', format: 'raw', readOnly: true },
    { path: '/s/i1/scratch.ext4', format: 'raw', readOnly: false },
    { path: '/disks/abc.ext4', format: 'raw', readOnly: true },
  ],
  tap: 'bt0123456789',
  mac: '02:aa:bb:cc:dd:ee',
  consoleLog: '/s/i1/console.log',
  qmpSocket: '/s/i1/qmp.sock',
  controlSocket: '/s/i1/ctl.sock',
  pidfile: '/s/i1/qemu.pid',
  tscKhz: 2445424,
};

describe('buildQemuArgv', () => {
  it('builds the verified microvm command line under TCG', () => {
    expect(buildQemuArgv(base)).toEqual([
      'qemu-system-x86_64',
      '-M',
      'microvm,x-option-roms=off,isa-serial=on,rtc=on',
      '-accel',
      'tcg',
      '-cpu',
      'max',
      '-m',
      '256',
      '-smp',
      '1',
      '-nodefaults',
      '-no-user-config',
      '-display',
      'none',
      '-chardev',
      'file,id=con0,path=/s/i1/console.log,append=on',
      '-serial',
      'chardev:con0',
      '-qmp',
      'unix:/s/i1/qmp.sock,server=on,wait=off',
      '-daemonize',
      '-pidfile',
      '/s/i1/qemu.pid',
      '-kernel',
      '/kit/vmlinux',
      '-initrd',
      '/kit/initramfs.cpio',
      '-no-reboot',
      '-append',
      'console=ttyS0 quiet panic=-1 reboot=t tsc_early_khz=2445424 bubo.config=/dev/vda',
      '-drive',
      'id=d0,file=/s/i1/config.ext4,format=raw,if=none,readonly=on',
      '-device',
      'virtio-blk-device,drive=d0',
      '-drive',
      'id=d1,file=/s/i1/scratch.ext4,format=raw,if=none,cache=unsafe',
      '-device',
      'virtio-blk-device,drive=d1',
      '-drive',
      'id=d2,file=/disks/abc.ext4,format=raw,if=none,readonly=on',
      '-device',
      'virtio-blk-device,drive=d2',
      '-netdev',
      'tap,id=n0,ifname=bt0123456789,script=no,downscript=no,vhost=off',
      '-device',
      'virtio-net-device,netdev=n0,mac=02:aa:bb:cc:dd:ee',
      '-device',
      'virtio-serial-device',
      '-chardev',
      'socket,id=ctl,path=/s/i1/ctl.sock,server=on,wait=off',
      '-device',
      'virtserialport,chardev=ctl,name=ctl0',
    ]);
  });

  it('uses KVM with the host CPU when asked', () => {
    const argv = buildQemuArgv({ ...base, accel: 'kvm', vcpus: 2, memoryMiB: 512 }).join(' ');
    expect(argv).toContain('-accel kvm -cpu host -m 512 -smp 2 ');
    expect(argv).not.toContain('tcg');
  });

  it('leaves the NIC out for an instance without network', () => {
    const argv = buildQemuArgv({ ...base, tap: null });
    expect(argv).not.toContain('-netdev');
    expect(argv.join(' ')).not.toContain('virtio-net-device');
  });

  it('doubles commas in paths, as QEMU option syntax requires', () => {
    const argv = buildQemuArgv({ ...base, consoleLog: '/s/a,b/console.log', disks: [{ path: '/d/x,y.ext4', format: 'qcow2', readOnly: false }] });
    expect(argv).toContain('file,id=con0,path=/s/a,,b/console.log,append=on');
    expect(argv).toContain('id=d0,file=/d/x,,y.ext4,format=qcow2,if=none,cache=unsafe');
  });

  it('attaches a volume writable with write-back caching (guest flushes reach the disk) and its serial', () => {
    const argv = buildQemuArgv({ ...base, disks: [...base.disks, { path: '/v/default.pg.data.0/volume.ext4', format: 'raw', readOnly: false, volumeSerial: 'bubo-vol0' }] });
    const at = argv.indexOf('id=d3,file=/v/default.pg.data.0/volume.ext4,format=raw,if=none,cache=writeback');
    expect(at).toBeGreaterThan(0);
    expect(argv[at + 2]).toBe('virtio-blk-device,drive=d3,serial=bubo-vol0');
  });

  it.each(['', 'a'.repeat(21), 'bubo vol', 'x,y'])('refuses the volume serial %j (QEMU caps serials at 20 bytes; commas would split the option)', (serial) => {
    expect(() => buildQemuArgv({ ...base, disks: [{ path: '/v/x.ext4', format: 'raw', readOnly: false, volumeSerial: serial }] })).toThrow('volume disk serial');
  });

  it('appends extra kernel parameters after the fixed ones', () => {
    expect(guestCmdline(1000, ['bubo.debug=1'])).toBe('console=ttyS0 quiet panic=-1 reboot=t tsc_early_khz=1000 bubo.config=/dev/vda bubo.debug=1');
  });
});

describe('buildProbeArgv', () => {
  it('boots the kit alone, console on stdout, kernel messages on', () => {
    expect(buildProbeArgv({ qemu: 'qemu-system-x86_64', kernel: '/k/vmlinux', initramfs: '/k/initramfs.cpio', accel: 'kvm', tscKhz: 2596096 })).toEqual([
      'qemu-system-x86_64',
      '-M',
      'microvm,x-option-roms=off,isa-serial=on,rtc=on',
      '-accel',
      'kvm',
      '-cpu',
      'host',
      '-m',
      '128',
      '-smp',
      '1',
      '-nodefaults',
      '-no-user-config',
      '-display',
      'none',
      '-serial',
      'stdio',
      '-kernel',
      '/k/vmlinux',
      '-initrd',
      '/k/initramfs.cpio',
      '-no-reboot',
      '-append',
      'console=ttyS0 panic=-1 reboot=t tsc_early_khz=2596096',
    ]);
  });
});
