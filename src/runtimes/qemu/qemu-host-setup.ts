import { constants } from 'node:fs';
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import type { Executor } from '../../exec/run-command.js';
import { buildProbeArgv, type QemuAccel } from './build-qemu-argv.js';
import { parseTscKhz } from './host-tsc-khz.js';
import type { MicroVmParts } from './micro-vm-parts.js';
import { probeBoot } from './probe-boot.js';

/** What the runtime learned about the host once (cached in `probe.json`, keyed by what it depends on). */
export interface QemuHostProbe {
  key: string;
  accel: QemuAccel;
  /** Why this accelerator ("kvm: probe boot did not reach userspace in 5s; using TCG"). */
  accelReason: string;
  tscKhz: number;
}

/** What every start needs from the host: the guest kit and the probe. */
export interface QemuHostSetup {
  kit: { kernel: string; initramfs: string; version: string };
  probe: QemuHostProbe;
}

export interface QemuHostSetupOptions {
  /** `probe.json` is kept here. */
  stateDir: string;
  exec: Executor;
  qemu: string;
  vm: Pick<MicroVmParts, 'guestKit'>;
  accel: 'auto' | QemuAccel;
  tscKhz: number | undefined;
  kvmProbeTimeoutMs: number;
}

/**
 * KVM or TCG, why, and the TSC frequency; computed once per QEMU version, guest kit, host kernel
 * and `accel` option, and kept in `<stateDir>/probe.json`, so agents do not boot a probe VM on
 * every start. Throws, saying what is missing, when QEMU cannot work here.
 */
export async function qemuHostSetup(o: QemuHostSetupOptions): Promise<QemuHostSetup> {
  const version = await o.exec({ argv: [o.qemu, '--version'], timeoutMs: 10_000 }).catch((error: Error) => {
    throw new Error(`${o.qemu} --version failed (${error.message}); install qemu-system-x86`);
  });
  const kit = await o.vm.guestKit();
  const qemuVersion = version.stdout.split('\n')[0]?.trim() ?? '';
  const key = JSON.stringify([qemuVersion, kit.version, release(), o.accel, o.tscKhz ?? null]);
  const cacheFile = join(o.stateDir, 'probe.json');
  const cached = await readFile(cacheFile, 'utf8')
    .then((text) => JSON.parse(text) as QemuHostProbe)
    .catch(() => null);
  if (cached?.key === key) return { kit, probe: cached };
  const tscKhz = o.tscKhz ?? (await hostTscKhz(o.exec));
  const { accel, reason } = await chooseAccel(o, kit, tscKhz);
  const probe: QemuHostProbe = { key, accel, accelReason: reason, tscKhz };
  await mkdir(o.stateDir, { recursive: true });
  await writeFile(`${cacheFile}.tmp`, `${JSON.stringify(probe, null, 2)}\n`);
  await rename(`${cacheFile}.tmp`, cacheFile);
  return { kit, probe };
}

async function hostTscKhz(exec: Executor): Promise<number> {
  const dmesg = await exec({ argv: ['dmesg'], timeoutMs: 10_000 })
    .then((r) => r.stdout)
    .catch(() => null);
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => null);
  const khz = parseTscKhz({ dmesg, cpuinfo });
  if (!khz) throw new Error('cannot tell the host TSC frequency (no "tsc: Detected" line in dmesg, no "cpu MHz" in /proc/cpuinfo); set it with tscKhz');
  return khz;
}

async function chooseAccel(o: QemuHostSetupOptions, kit: QemuHostSetup['kit'], tscKhz: number): Promise<{ accel: QemuAccel; reason: string }> {
  if (o.accel === 'tcg') return { accel: 'tcg', reason: 'TCG chosen by configuration' };
  if (o.accel === 'kvm') return { accel: 'kvm', reason: 'KVM chosen by configuration' };
  const usable = await access('/dev/kvm', constants.R_OK | constants.W_OK).then(
    () => true,
    () => false,
  );
  if (!usable) return { accel: 'tcg', reason: 'kvm: /dev/kvm is missing or not accessible; using TCG' };
  const boot = await probeBoot(buildProbeArgv({ qemu: o.qemu, kernel: kit.kernel, initramfs: kit.initramfs, accel: 'kvm', tscKhz }), o.kvmProbeTimeoutMs);
  if (boot.ok) return { accel: 'kvm', reason: `kvm: probe boot reached userspace in ${(boot.elapsedMs / 1000).toFixed(1)}s` };
  return { accel: 'tcg', reason: `kvm: ${boot.reason}; using TCG` };
}
