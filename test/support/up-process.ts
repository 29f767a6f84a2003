import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BUBO = fileURLToPath(new URL('../../bin/bubo.js', import.meta.url));

/**
 * `bubo up` as `./scripts/up.sh` runs it (that script installs what is missing, then execs
 * `bin/bubo.js up "$@"`), as the leader of its own process group, like a command in a terminal:
 * `signalGroup` reaches it and every child that stayed in its group, as Ctrl-C or
 * `kill -9 -PGID` would.
 */
export class UpProcess {
  child: ChildProcess | undefined;
  output = '';

  constructor(
    readonly cwd: string,
    readonly args: string[],
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts `bubo up` and resolves once it printed where the load balancer serves `host`. */
  async start(host: string, timeoutMs: number): Promise<void> {
    this.output = '';
    const child = spawn(process.execPath, [BUBO, 'up', ...this.args], {
      cwd: this.cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BUBO_ADDR: '', BUBO_TOKEN: '' },
    });
    this.child = child;
    child.stdout!.on('data', (d) => (this.output += d));
    child.stderr!.on('data', (d) => (this.output += d));
    const ready = `open http://${host}:`;
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes(ready)) {
      if (!this.running) throw new Error(`bubo up exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`bubo up was not ready within ${timeoutMs / 1000} s:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Sends `signal` to the whole process group and resolves with how `bubo up` exited. */
  async signalGroup(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const child = this.child;
    if (!child || !this.running) return { code: child?.exitCode ?? null, signal: child?.signalCode ?? null };
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, sig) => r({ code, signal: sig })));
    process.kill(-child.pid!, signal);
    return exited;
  }
}
