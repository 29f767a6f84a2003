import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const BUBO = fileURLToPath(new URL('../../bin/bubo.js', import.meta.url));

/** A `bubo server` child process, as a user would start it. */
export class ServerProcess {
  child: ChildProcess | undefined;
  output = '';

  constructor(
    readonly stateDir: string,
    readonly port: number,
    readonly extraArgs: string[] = [],
    /** The address it listens on (the switch address in the multi-host tests). */
    readonly host = '127.0.0.1',
  ) {}

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** Starts the server and resolves once it answers its health endpoint (within `timeoutMs`). */
  async start(timeoutMs = 20_000): Promise<void> {
    this.output = '';
    const child = spawn(process.execPath, [BUBO, 'server', '--state-dir', this.stateDir, '--listen', `${this.host}:${this.port}`, ...this.extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BUBO_ADDR: '', BUBO_TOKEN: '' },
    });
    this.child = child;
    child.stdout!.on('data', (d) => (this.output += d));
    child.stderr!.on('data', (d) => (this.output += d));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`bubo server exited with ${child.exitCode}:\n${this.output}`);
      try {
        const res = await fetch(`${this.url}/v1/health`);
        if (res.ok) return;
      } catch {}
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`bubo server did not answer within ${timeoutMs / 1000} s:\n${this.output}`);
  }

  /** SIGKILL: no chance to flush or close anything. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    return exited;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
