import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cmd } from '../../src/exec/command.js';
import { runCommand } from '../../src/exec/run-command.js';
import { freePort } from './server-process.js';

export interface Registry {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT`, the registry part of image references. */
  host: string;
  /** Copies `oci:<layoutDir>:<tag>` to `<host>/<repo>:<tag>` and returns that reference. */
  push(layoutDir: string, tag: string, repo: string): Promise<string>;
  /** Kills the registry process and removes its temp dir (and `dataDir` only if it made it). */
  stop(): Promise<void>;
}

export interface StartRegistryOptions {
  /** Where images are stored; default a temp dir removed by `stop()`. */
  dataDir?: string;
  /** Default: a free loopback port. */
  port?: number;
}

const READY_TIMEOUT_MS = 10_000;

/**
 * A real registry for tests: Debian's `docker-registry serve` with its own config (not the
 * packaged one, which listens on :5000 on every interface and turns on htpasswd auth), on
 * loopback, plain HTTP, no auth, deletes enabled.
 */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<Registry> {
  const tmp = await mkdtemp(join(tmpdir(), 'bubo-registry-'));
  const dataDir = options.dataDir ?? join(tmp, 'data');
  const port = options.port ?? (await freePort());
  const host = `127.0.0.1:${port}`;
  const url = `http://${host}`;
  const config = join(tmp, 'config.yml');
  await writeFile(config, registryConfig(dataDir, host));

  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d));
  child.stderr.on('data', (d: Buffer) => (output += d));
  const spawned = new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', (error) => resolve(error));
  });
  const startError = await spawned;
  if (startError) {
    await rm(tmp, { recursive: true, force: true });
    throw new Error(`Cannot start docker-registry (apt-get install docker-registry?): ${startError.message}`);
  }

  const stop = async (): Promise<void> => {
    await kill(child);
    await rm(tmp, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(url, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    host,
    async push(layoutDir, tag, repo) {
      const reference = `${host}/${repo}:${tag}`;
      await runCommand(cmd('skopeo', 'copy', '--dest-tls-verify=false', `oci:${layoutDir}:${tag}`, `docker://${reference}`));
      return reference;
    },
    stop,
  };
}

/** JSON is YAML: no quoting surprises in paths. */
export function registryConfig(dataDir: string, addr: string): string {
  const config = {
    version: 0.1,
    log: { level: 'warn' },
    storage: { filesystem: { rootdirectory: dataDir }, delete: { enabled: true } },
    http: { addr },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`docker-registry exited (${child.exitCode ?? child.signalCode}) before answering ${url}/v2/:\n${output()}`);
    }
    try {
      const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`docker-registry did not answer ${url}/v2/ within ${READY_TIMEOUT_MS / 1000} s:\n${output()}`);
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}
