import { type FSWatcher, watch } from 'node:fs';
import { join } from 'node:path';
import { pathExists } from './path-exists.js';

/** How often the names are looked at besides inotify's events, in case an event is missed. */
const SAFETY_POLL_MS = 100;

/**
 * Resolves with the first of `names` (files in `dir`) that exists, as soon as it is created
 * (inotify on `dir`), or with undefined after `timeoutMs` or when `signal` aborts. Waiting on the
 * event instead of polling on a timer takes the polling interval off every wait.
 */
export async function waitForFile(dir: string, names: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<string | undefined> {
  const present = async () => {
    for (const name of names) if (await pathExists(join(dir, name))) return name;
    return undefined;
  };
  return new Promise((resolve) => {
    let watcher: FSWatcher | undefined;
    let done = false;
    const finish = (found: string | undefined) => {
      if (done) return;
      done = true;
      watcher?.close();
      clearInterval(poll);
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(found);
    };
    const look = () => {
      void present().then((found) => found !== undefined && finish(found));
    };
    const onAbort = () => finish(undefined);
    try {
      watcher = watch(dir, (_event, filename) => {
        if (filename === null || names.includes(filename.toString())) look();
      });
      watcher.on('error', () => {}); // the safety poll carries on
    } catch {
      // A directory that cannot be watched is still polled.
    }
    const poll = setInterval(look, SAFETY_POLL_MS);
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    signal?.addEventListener('abort', onAbort);
    if (signal?.aborted) onAbort();
    look(); // after the watch is set up, so a file created in between is not missed
  });
}
