import type { Command } from '../../exec/command.js';

/** Exit code of `runc` when a container does not exist (it prints "container does not exist"). */
export const RUNC_NOT_FOUND_EXIT = 1;

export function runcVersion(runc: string): Command {
  return { argv: [runc, '--version'], timeoutMs: 10_000 };
}

/** Every container runc knows, as JSON (`null` when there are none). */
export function runcList(runc: string): Command {
  return { argv: [runc, 'list', '--format', 'json'], timeoutMs: 10_000 };
}

export function runcState(runc: string, name: string): Command {
  return { argv: [runc, 'state', name], timeoutMs: 10_000 };
}

/** Signals the container's init; `--all` is not used: init forwards or dies, and KILL of init ends the pid namespace. */
export function runcKill(runc: string, name: string, signal: 'TERM' | 'KILL'): Command {
  return { argv: [runc, 'kill', name, signal], okExitCodes: [RUNC_NOT_FOUND_EXIT], timeoutMs: 10_000 };
}

/** Force-deletes the container; "does not exist" counts as done, so this is safe to re-run. */
export function runcDelete(runc: string, name: string): Command {
  return { argv: [runc, 'delete', '--force', name], okExitCodes: [RUNC_NOT_FOUND_EXIT], timeoutMs: 30_000 };
}

/**
 * `runc run` in the foreground (not `-d`): it stays the container's parent, so its exit status is
 * the container's. runc's own errors also go, as JSON lines, to `runcLogPath`. runc writes
 * `pidFile` once the container's process has started (after create and start): the event a start
 * waits for instead of polling `runc list`.
 */
export function runcRunArgv(runc: string, bundle: string, name: string, runcLogPath: string, pidFile: string): [string, ...string[]] {
  return [runc, '--log', runcLogPath, '--log-format', 'json', 'run', '--bundle', bundle, '--pid-file', pidFile, name];
}

/**
 * The shim: a constant `sh` script that runs the argv it is given (no interpolation: data only in
 * positional parameters) and writes its exit status to `exitFile` when it ends. Started in its own
 * session, it outlives the agent, so a container's exit code is never lost.
 */
export const SHIM_SCRIPT = 'exit_file="$1"; shift; "$@"; echo "$?" > "$exit_file"';

export function shimArgv(exitFile: string, run: readonly string[]): [string, ...string[]] {
  return ['/bin/sh', '-c', SHIM_SCRIPT, 'bubo-runc-shim', exitFile, ...run];
}

export function mountOverlay(lower: string, upper: string, work: string, target: string): Command {
  return { argv: ['mount', '-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, target], timeoutMs: 30_000 };
}

export function unmount(target: string): Command {
  return { argv: ['umount', target], timeoutMs: 30_000 };
}
