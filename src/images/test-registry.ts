import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A Debian `docker-registry` on loopback with its storage in `dir`; for tests only. */
export interface TestRegistry {
  /** `127.0.0.1:<port>` */
  host: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** `auth` is extra YAML under `auth:` (e.g. a token realm), for the authentication test. */
export async function startTestRegistry(dir: string, auth?: string): Promise<TestRegistry> {
  await mkdir(join(dir, 'data'), { recursive: true });
  const host = `127.0.0.1:${await freePort()}`;
  const config = [
    'version: 0.1',
    'log: { level: error, accesslog: { disabled: true } }',
    `storage: { filesystem: { rootdirectory: ${join(dir, 'data')} }, delete: { enabled: true } }`,
    `http: { addr: ${host} }`,
    ...(auth ? ['auth:', auth] : []),
  ].join('\n');
  await writeFile(join(dir, 'registry.yml'), `${config}\n`);
  const child: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'registry.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    const status = await fetch(`http://${host}/v2/`).then((r) => r.status, () => 0);
    if (status === 200 || status === 401) return { host, stop };
    await sleep(20);
  }
  await stop();
  throw new Error(`docker-registry did not start on ${host}: ${stderr.trim()}`);
}
