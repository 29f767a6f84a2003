import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BUBO = fileURLToPath(new URL('../../bin/bubo.js', import.meta.url));

/** A `bubo agent` child process, as a sysadmin would run it. */
export class AgentProcess {
  child: ChildProcess | undefined;
  output = '';

  /** `wrap` runs the agent through another program, e.g. `['nsenter', '--net=/run/netns/h1']` (it must exec, keeping the pid). */
  constructor(readonly args: string[], readonly env: Record<string, string>, readonly wrap: string[] = []) {}

  /** Starts the agent and resolves once it says it registered. */
  async start(): Promise<void> {
    this.output = '';
    const [program, ...argv] = [...this.wrap, process.execPath, BUBO, 'agent', ...this.args] as [string, ...string[]];
    const child = spawn(program, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...this.env } });
    this.child = child;
    child.stdout!.on('data', (d) => (this.output += d));
    child.stderr!.on('data', (d) => (this.output += d));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`bubo agent exited with ${child.exitCode}:\n${this.output}`);
      if (this.output.includes('registered as')) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`bubo agent did not register within 30 s:\n${this.output}`);
  }

  async signal(signal: NodeJS.Signals): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill(signal);
    return exited;
  }
}
