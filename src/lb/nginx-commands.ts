import type { Command } from '../exec/command.js';
import type { NginxPaths } from './nginx-paths.js';

/**
 * `-e stderr`: the error log nginx uses before it has read the configuration. Debian builds
 * default to stderr already, other builds to /var/log/nginx/error.log, which a private instance
 * must not touch (and cannot open when not root). With stderr, `-t` and `-s` failures land in the
 * command's stderr, where `CommandError` quotes them. A started master redirects its stderr to the
 * configuration's own `error_log` once it has read it.
 */
function base(nginx: string, paths: NginxPaths, conf: string): [string, ...string[]] {
  return [nginx, '-p', paths.prefix, '-c', conf, '-e', 'stderr'];
}

/** Parses and checks `conf` (certificates are loaded, nothing is bound); exit 1 and the reason on stderr when invalid. */
export function nginxTestConfig(nginx: string, paths: NginxPaths, conf: string): Command {
  return { argv: [...base(nginx, paths, conf), '-t', '-q'], timeoutMs: 30_000 };
}

/** Starts a master that daemonizes (the command returns once it has bound its ports and forked). */
export function nginxStart(nginx: string, paths: NginxPaths): Command {
  return { argv: base(nginx, paths, paths.conf), timeoutMs: 30_000 };
}

/** `reload`: re-read the configuration, start new workers, let old ones finish; `quit`: graceful stop. */
export function nginxSignal(nginx: string, paths: NginxPaths, signal: 'reload' | 'quit'): Command {
  return { argv: [...base(nginx, paths, paths.conf), '-s', signal], timeoutMs: 30_000 };
}
