import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/**
 * How the runtime starts and watches the jailer/Firecracker process: a seam so tests run the
 * runtime end to end without the binaries (`test-fake-firecracker.ts`).
 */
export interface FirecrackerProcesses {
  /**
   * Starts the jailer with stdout and stderr appended to `logPath` (its errors before it
   * daemonizes) and returns its pid, which is Firecracker's pid once the jailer has exec'ed it.
   */
  launch(argv: readonly [string, ...string[]], logPath: string): Promise<number>;
  /** True while `pid` is alive and is the jailer or Firecracker of jail `jailId` (not a recycled pid). */
  isRunning(pid: number, jailId: string): Promise<boolean>;
  kill(pid: number, signal: NodeJS.Signals): void;
}

/**
 * The real processes. The jailer is spawned *without* `detached`: `--daemonize` calls setsid(),
 * which fails for a process group leader (jailer.md), and a detached child is one. After
 * setsid() it no longer shares the agent's session, so it survives the agent.
 */
export const systemProcesses: FirecrackerProcesses = {
  async launch(argv, logPath) {
    const [file, ...args] = argv;
    const fd = openSync(logPath, 'a');
    try {
      const child = spawn(file, args, { stdio: ['ignore', fd, fd] });
      child.on('error', () => {});
      child.unref();
      if (child.pid === undefined) throw new Error(`could not start ${file} (is it installed?)`);
      return child.pid;
    } finally {
      closeSync(fd);
    }
  },
  async isRunning(pid, jailId) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // Field 3 (after the parenthesised command name) is the state; Z and X are dead.
    if (!stat || /\)\s+[ZX]\s/.test(stat)) return false;
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    // The jailer has `--id <id>`; the Firecracker it execs has `--id=<id>`.
    return argv.some((arg, i) => arg === `--id=${jailId}` || (arg === '--id' && argv[i + 1] === jailId));
  },
  kill(pid, signal) {
    try {
      process.kill(pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  },
};
