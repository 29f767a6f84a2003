import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

/**
 * Starts `argv` in its own session with stdout and stderr appended to `logPath`, and returns its
 * pid without waiting. This is the one place the runc runtime calls `child_process.spawn` itself:
 * the shared executor collects output through pipes and waits for exit, while a container's
 * process must write straight into a file (O_APPEND, so copy-truncate rotation works) and keep
 * running after the agent exits. Still an argv, never a shell string.
 */
export function spawnDetached(argv: readonly [string, ...string[]], logPath: string, log?: (line: string) => void): number {
  const [file, ...args] = argv;
  log?.(argv.join(' '));
  const fd = openSync(logPath, 'a');
  try {
    const child = spawn(file, args, { detached: true, stdio: ['ignore', fd, fd] });
    child.on('error', () => {});
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${file}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}
