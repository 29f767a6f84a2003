import { type ChildProcess, spawn } from 'node:child_process';

export interface ServerProcess {
  child: ChildProcess;
  /** The match of `ready` in the output. */
  ready: RegExpExecArray;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Every process started here and not yet exited: what `killAllSync` ends on exit or Ctrl-C. */
const running = new Set<ChildProcess>();

/**
 * Starts a long-running server and waits until `ready` matches a line of its stdout or stderr.
 * Rejects, naming the command and its last output, if it exits first or `timeoutMs` passes.
 */
export function startServerProcess(
  argv: readonly [string, ...string[]],
  options: { ready: RegExp; timeoutMs?: number; cwd?: string },
): Promise<ServerProcess> {
  const [file, ...args] = argv;
  const child = spawn(file, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  let output = '';
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${argv.join(' ')} ${why}:\n${output.slice(-2000)}`));
    };
    const timer = setTimeout(() => fail(`was not ready after ${options.timeoutMs ?? 10_000} ms`), options.timeoutMs ?? 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = options.ready.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve({
        child,
        ready: match,
        stop: async (graceMs = 3_000) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(kill);
        },
      });
    };
    const onExit = (code: number | null, signal: string | null) => fail(`exited (${signal ?? `code ${code}`}) before it was ready`);
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', (error) => fail(`could not start: ${error.message}`));
  });
}

/** Kills every server still running: for `process.on('exit')` and signal handlers, which cannot wait. */
export function killAllSync(): void {
  for (const child of running) child.kill('SIGKILL');
}
