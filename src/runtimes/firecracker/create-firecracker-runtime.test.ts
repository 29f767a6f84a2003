import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { ImageProvider } from '../../images/image-provider.js';
import type { NetworkProvider } from '../../net/network-provider.js';
import { createFirecrackerRuntime } from './create-firecracker-runtime.js';

const images: ImageProvider = {
  pull: async () => {
    throw new Error('not used');
  },
};
const network: NetworkProvider = {
  setupHost: async () => {},
  attach: async () => {
    throw new Error('not used');
  },
  detach: async () => {},
  list: async () => [],
};
const inPath = (name: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const hardwareKvm = existsSync('/sys/module/kvm_intel') || existsSync('/sys/module/kvm_amd');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bubo-fc-create-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test.runIf(!hardwareKvm)('on a host without hardware KVM (this kind of machine) the probe reports Firecracker unavailable and says why', async () => {
  const runtime = createFirecrackerRuntime({ stateDir: join(dir, 'firecracker'), images, network });
  const probe = await runtime.probe();
  expect(probe).toMatchObject({ name: 'firecracker', kind: 'microvm', available: false });
  if (!inPath('firecracker')) expect(probe.reason).toMatch(/firecracker binary not found \(firecracker\); install Firecracker's release binaries/);
  if (existsSync('/dev/kvm')) expect(probe.reason).toMatch(/\/dev\/kvm is not hardware KVM|\/dev\/kvm is missing or not read-write/);
  else expect(probe.reason).toMatch(/\/dev\/kvm is missing or not read-write/);
  // Probing creates nothing.
  expect(existsSync(join(dir, 'firecracker'))).toBe(false);
});
