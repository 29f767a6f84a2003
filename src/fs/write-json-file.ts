import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface WriteJsonFileOptions {
  mode?: number;
  /** Indent by this many spaces; default one line. */
  indent?: number;
  /**
   * fsync before the rename (default true), so the file survives a power loss too. Off for
   * files rewritten often whose loss costs nothing (a cached server answer).
   */
  fsync?: boolean;
}

/** The last write of each path: the next one waits for it, so writes land in call order. */
const inFlight = new Map<string, Promise<void>>();

/**
 * Writes `value` as JSON atomically: to a temporary file of its own beside it (pid and random
 * suffix), then renamed over it, so a crash or a reader sees the old file or the new one, never
 * half of one; concurrent writes of one path are queued, so the last call wins.
 *
 * Written by hand rather than with write-file-atomic: that library hooks signal-exit, which
 * re-raises a SIGTERM that arrives during a write once the process's own `once` handler has run,
 * killing an agent in the middle of its graceful shutdown (seen in dns-outlives-agent's
 * --drain-on-exit test).
 */
export function writeJsonFile(path: string, value: unknown, options: WriteJsonFileOptions = {}): Promise<void> {
  const previous = inFlight.get(path) ?? Promise.resolve();
  const write = previous.catch(() => {}).then(() => writeNow(path, `${JSON.stringify(value, null, options.indent)}\n`, options));
  const settled = write.catch(() => {});
  inFlight.set(path, settled);
  void settled.then(() => {
    if (inFlight.get(path) === settled) inFlight.delete(path);
  });
  return write;
}

async function writeNow(path: string, text: string, options: WriteJsonFileOptions): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const file = await open(temporary, 'wx', options.mode ?? 0o644);
    try {
      await file.writeFile(text);
      if (options.mode !== undefined) await file.chmod(options.mode); // the umask may have narrowed it
      if (options.fsync ?? true) await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
    // The rename itself survives a power loss only once the directory is on disk too.
    if (options.fsync ?? true) await syncDirectory(dirname(path));
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
