import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../errors/domain-error.js';

export interface LocalRegistry {
  /** `127.0.0.1:5055` */
  host: string;
  /** Whether this process started it (and so stops it). */
  owned: boolean;
  stop(): Promise<void>;
}

/**
 * Debian's docker-registry on loopback for `bubo up` and tests. Its packaged config listens on
 * every interface with auth, so this writes its own: loopback only, storage under `dataDir`.
 * A registry already answering on the address (a previous `bubo up` that crashed) is reused.
 */
export async function startLocalRegistry(options: { dataDir: string; host?: string; binary?: string }): Promise<LocalRegistry> {
  const host = options.host ?? '127.0.0.1:5055';
  const pidFile = join(options.dataDir, 'registry.pid');
  if (await answers(host)) {
    // Ours if a previous run in this directory started it and crashed: take it back.
    const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
    const ours = pid > 0 && (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes(join(options.dataDir, 'registry.yml'));
    return { host, owned: ours, stop: ours ? () => stopPid(pid) : async () => {} };
  }
  await mkdir(options.dataDir, { recursive: true });
  const config = join(options.dataDir, 'registry.yml');
  await writeFile(
    config,
    `version: 0.1\nlog: { level: warn }\nstorage: { filesystem: { rootdirectory: ${JSON.stringify(join(options.dataDir, 'data'))} }, delete: { enabled: true } }\nhttp: { addr: ${host} }\n`,
  );
  const child = spawn(options.binary ?? 'docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
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
    await Promise.race([new Promise((r) => setTimeout(r, 50)), failed]);
  }
  if (child.pid) await writeFile(pidFile, `${child.pid}\n`);
  return { host, owned: true, stop: () => stopChild(child) };
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
