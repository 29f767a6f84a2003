import { execFileSync } from 'node:child_process';
import { homedir } from 'node:os';
import { buildGuestKit } from '../../src/daemons/build-guest-kit.js';
import { buildTestImages } from '../../src/image-builder/build-test-images.js';
import { TEST_IMAGES_ENV } from './test-images.js';

/**
 * Before any e2e test: the microVM guest kit, built from Debian packages when the cache lacks it
 * (about a minute, once per kit version). Agents build it on demand too, but an agent in its own
 * network namespace (the cluster harness) cannot reach the package mirror: on a fresh machine its
 * QEMU runtime would report itself unavailable. Where QEMU cannot run here, nothing is built.
 */
export default async function setup(): Promise<void> {
  if (process.getuid?.() !== 0) return;
  // The test images too, once: finding their inputs and hashing them (PostgreSQL, Erlang: some
  // 140 MB of host files) takes seconds, which every test file would otherwise spend again.
  // The test processes start after this and inherit the environment.
  const images = await buildTestImages({ onProgress: (line) => process.stderr.write(`e2e setup: ${line}\n`) });
  process.env[TEST_IMAGES_ENV] = JSON.stringify(images);
  try {
    execFileSync('qemu-system-x86_64', ['--version'], { stdio: 'ignore' });
  } catch {
    return;
  }
  await buildGuestKit({ env: process.env, home: homedir(), log: (line) => process.stderr.write(`e2e setup: ${line}\n`) });
}
