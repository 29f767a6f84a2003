import type { Command } from '../../exec/command.js';

/** Every exit status counts as an answer: the command's own status is the result, not a failure to run it. */
const ANY_EXIT = Array.from({ length: 255 }, (_, i) => i + 1);

/**
 * `runc exec` of `argv` in container `name`, in the foreground without a terminal. The process
 * takes the container's environment, user, working directory and limits from its `config.json`.
 * `--pid-file` names the host pid of the process, so that a timeout can kill it (and what it
 * started) rather than only runc. runc's exit status is the command's (128+n when killed by
 * signal n); runc's own failures (no such executable, container not running) exit non-zero
 * with the reason on stderr.
 */
export function runcExecArgv(runc: string, name: string, pidFile: string, argv: readonly [string, ...string[]]): Command {
  return { argv: [runc, 'exec', '--pid-file', pidFile, name, ...argv], okExitCodes: ANY_EXIT };
}
