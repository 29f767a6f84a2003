import { readFile, rm } from 'node:fs/promises';
import type { Command } from '../../exec/command.js';
import type { Executor } from '../../exec/run-command.js';
import type { ExecResult } from '../../domain/exec-result.js';
import { killProcessTree } from './process-tree.js';

/** Exit status of an exec that ran out of time (as timeout(1) reports it). */
export const EXEC_TIMEOUT_EXIT = 124;
/** How much of an exec's output is kept (the end). */
const EXEC_OUTPUT_MAX_CHARS = 16 * 1024;
/** After a timeout's kill, how long runc gets to return before it is killed itself. */
const EXEC_KILL_GRACE_MS = 2_000;

/**
 * Runs a `runc exec` (`runcExecArgv`, which writes the process's pid to `pidFile`) and answers
 * with its exit status and the end of its output. On timeout the process and everything it
 * started are SIGKILLed and the result is exit 124 with "timed out after N ms"; runc itself is
 * killed 2 s later if it still has not returned. Removes `pidFile`.
 */
export async function runcExec(exec: Executor, command: Command, pidFile: string, timeoutMs: number): Promise<ExecResult> {
  const abort = new AbortController();
  let timedOut = false;
  let grace: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    // Kill the command's whole tree: runc forwards signals to the process only, and a shell's
    // children would outlive it inside the container. If runc still hangs, kill runc.
    grace = setTimeout(() => abort.abort(), EXEC_KILL_GRACE_MS);
    void readFile(pidFile, 'utf8')
      .then((pid) => (Number(pid) > 0 ? killProcessTree(Number(pid)) : abort.abort()))
      .catch(() => abort.abort());
  }, timeoutMs);
  const timeout = `timed out after ${timeoutMs} ms`;
  try {
    const { exitCode, stdout, stderr } = await exec(command, abort.signal);
    const output = `${stdout}${stderr}`.slice(-EXEC_OUTPUT_MAX_CHARS);
    return timedOut ? { exitCode: EXEC_TIMEOUT_EXIT, output: `${output}${output && !output.endsWith('\n') ? '\n' : ''}${timeout}` } : { exitCode, output };
  } catch (error) {
    if (timedOut) return { exitCode: EXEC_TIMEOUT_EXIT, output: timeout };
    throw error;
  } finally {
    clearTimeout(timer);
    clearTimeout(grace);
    await rm(pidFile, { force: true }).catch(() => {});
  }
}
