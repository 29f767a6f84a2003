import { open, readFile, unlink } from 'node:fs/promises';

export interface FileLockOptions {
  /** How often a waiter looks again; default 250 ms. */
  pollMs?: number;
  signal?: AbortSignal;
  /** Called once when the lock is held by another process (to say "waiting for ..."). */
  onWait?: (holderPid: number | null) => void;
}

/**
 * Runs `fn` while holding `path` as a lock file (created with O_EXCL, holding the owner's pid).
 * A lock left by a process that no longer exists is taken over, so a crashed build never blocks
 * the next one. Between processes only; callers in one process share a promise instead.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const pollMs = options.pollMs ?? 250;
  let told = false;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    // Our own pid can only be a leftover of an earlier process: callers in one process share a build.
    if (Number.isInteger(holder) && (holder === process.pid || !isAlive(holder))) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (!told) {
      told = true;
      options.onWait?.(Number.isInteger(holder) ? holder : null);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  try {
    return await fn();
  } finally {
    await unlink(path).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
