import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../errors/domain-error.js';

/** Where `bubo up` runs its registry unless told otherwise, and where the demo task files look. */
export const DEFAULT_REGISTRY_HOST = '127.0.0.1:5055';

export interface LocalRegistry {
  /** `127.0.0.1:5055` */
  host: string;
  /** Whether this process started it (and so stops it). */
  owned: boolean;
  stop(): Promise<void>;
}

export interface LocalRegistryOptions {
  /** Config, pid file and (under `data/`) the stored images. */
  dataDir: string;
  /** Default `127.0.0.1:5055`. */
  host?: string;
  binary?: string;
  /**
   * Use a registry already answering on `host` (default true: a `bubo up` that crashed left its
   * registry running). It is ours to stop again if the pid file in `dataDir` names it.
   */
  reuse?: boolean;
  /** The config's `auth` section (e.g. a token realm for tests); none by default. */
  auth?: Record<string, unknown>;
}

/**
 * Debian's docker-registry on loopback, for `bubo up` and tests. Its packaged config listens on
 * every interface with htpasswd auth, so this writes its own: one address, storage in `dataDir`.
 */
export async function startLocalRegistry(options: LocalRegistryOptions): Promise<LocalRegistry> {
  const host = options.host ?? DEFAULT_REGISTRY_HOST;
  const pidFile = join(options.dataDir, 'registry.pid');
  const configPath = join(options.dataDir, 'registry.yml');
  if (options.reuse !== false && (await answers(host))) {
    const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
    const ours = pid > 0 && (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes(configPath);
    return { host, owned: ours, stop: ours ? () => stopPid(pid) : async () => {} };
  }
  await mkdir(options.dataDir, { recursive: true });
  await writeFile(configPath, registryConfig(join(options.dataDir, 'data'), host, options.auth));
  const child = spawn(options.binary ?? 'docker-registry', ['serve', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (d) => (output = (output + d).slice(-4000)));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(new DomainError('registry_failed', e.code === 'ENOENT' ? 'docker-registry is not installed; run ./scripts/ensure-deps.sh (Debian package docker-registry)' : e.message)),
    );
    child.once('exit', (code) => reject(new DomainError('registry_failed', `docker-registry exited with ${code}: ${output.trim().split('\n').pop() ?? ''}`)));
  });
  failed.catch(() => {});
  const deadline = Date.now() + 10_000;
  while (!(await answers(host))) {
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new DomainError('registry_failed', `docker-registry did not answer on ${host} within 10 s: ${output.trim()}`);
    }
    await Promise.race([new Promise((r) => setTimeout(r, 25)), failed]);
  }
  if (child.pid) await writeFile(pidFile, `${child.pid}\n`);
  return { host, owned: true, stop: () => stopChild(child) };
}

/** JSON is YAML: paths need no quoting rules. */
export function registryConfig(rootdirectory: string, addr: string, auth?: Record<string, unknown>): string {
  const config = {
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory }, delete: { enabled: true } },
    http: { addr },
    ...(auth ? { auth } : {}),
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

async function answers(host: string): Promise<boolean> {
  try {
    const res = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(1_000) });
    return res.status === 200 || res.status === 401;
  } catch {
    return false;
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function stopPid(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let n = 0; n < 100; n++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
