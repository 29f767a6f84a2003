import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cmd } from '../../src/exec/command.js';
import { runCommand } from '../../src/exec/run-command.js';
import { startLocalRegistry } from '../../src/up/local-registry.js';
import { freePort } from './server-process.js';

export interface Registry {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT`, the registry part of image references. */
  host: string;
  /** Copies `oci:<layoutDir>:<tag>` to `<host>/<repo>:<tag>` and returns that reference. */
  push(layoutDir: string, tag: string, repo: string): Promise<string>;
  /** Kills the registry and removes its directory. */
  stop(): Promise<void>;
}

/**
 * A real registry for tests: the same docker-registry `bubo up` runs (src/up/local-registry.ts),
 * on a free loopback port (or `address`), in a temp dir, never reusing one that is already running.
 */
export async function startRegistry(options: { port?: number; auth?: Record<string, unknown>; address?: string } = {}): Promise<Registry> {
  const dir = await mkdtemp(join(tmpdir(), 'bubo-registry-'));
  const host = `${options.address ?? '127.0.0.1'}:${options.port ?? (await freePort())}`;
  const registry = await startLocalRegistry({ dataDir: dir, host, reuse: false, ...(options.auth ? { auth: options.auth } : {}) }).catch(async (error) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    url: `http://${host}`,
    host,
    async push(layoutDir, tag, repo) {
      const reference = `${host}/${repo}:${tag}`;
      await runCommand(cmd('skopeo', 'copy', '--dest-tls-verify=false', `oci:${layoutDir}:${tag}`, `docker://${reference}`));
      return reference;
    },
    async stop() {
      await registry.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
