import { homedir } from 'node:os';
import { join } from 'node:path';

export interface StateDirContext {
  /** Defaults to `process.getuid()`; 0 means root. */
  uid?: number;
  /** Defaults to `os.homedir()`. */
  home?: string;
}

/**
 * Where `bubo server` keeps its state (and `admin.token`) unless `--state-dir` says otherwise:
 * `/var/lib/bubo/server` for root, `~/.local/share/bubo/server` for anyone else. The server and
 * the client both call this, so a local CLI finds the local server's token without configuration.
 */
export function defaultServerStateDir(context: StateDirContext = {}): string {
  const uid = context.uid ?? process.getuid?.() ?? -1;
  if (uid === 0) return '/var/lib/bubo/server';
  return join(context.home ?? homedir(), '.local', 'share', 'bubo', 'server');
}
