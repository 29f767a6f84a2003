import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

export interface DetachedProcess {
  pid: number;
  /** Settles when it exits while this process still runs (the exit code, or the signal's name). */
  exited: Promise<string>;
}

/**
 * Starts a long-running daemon from `argv` (never a shell) in a session of its own (setsid: no
 * terminal, not in the caller's process group, so Ctrl-C or a kill of the caller's group does
 * not reach it), with stdin from /dev/null and stdout and stderr appended to `logPath`, and
 * returns without waiting. The caller may exit; the daemon keeps running. The shared executor
 * (`run-command.ts`) is for commands that finish: it pipes output and waits.
 */
export function spawnDetached(argv: readonly [string, ...string[]], logPath: string): DetachedProcess {
  const [file, ...args] = argv;
  const fd = openSync(logPath, 'a', 0o600);
  try {
    const child = spawn(file, args, { detached: true, stdio: ['ignore', fd, fd] });
    const exited = new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`));
      child.once('error', (error) => resolve(error.message));
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`Cannot start ${file}: no process was created`);
    return { pid: child.pid, exited };
  } finally {
    closeSync(fd);
  }
}
