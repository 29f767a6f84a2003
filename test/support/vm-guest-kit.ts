import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { ContainerSpec } from '../../src/domain/task-spec.js';

/** What the guest tests that boot QEMU themselves need: root, QEMU and a static busybox. */
export const canBootVms = (() => {
  if (process.getuid?.() !== 0 || !existsSync('/bin/busybox')) return false;
  try {
    execFileSync('qemu-system-x86_64', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Host TSC in kHz: without tsc_early_khz a TCG guest often hangs calibrating (PLATFORM §1.5). */
export function hostTscKhz(): number {
  const mhz = /cpu MHz\s*:\s*([\d.]+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
  return Math.round(Number(mhz) * 1000);
}

/** A container of the busybox-httpd test image; tests override what they are about. */
export function guestContainer(name: string, over: Partial<ContainerSpec> = {}): ContainerSpec {
  return { name, image: 'bubo/busybox-httpd:1', command: null, args: null, env: {}, workdir: null, user: null, secrets: [], restart: 'never', stop_timeout_ms: 5000, ...over };
}
