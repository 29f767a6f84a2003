import { type FSWatcher, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { CatalogResponse } from '../api/catalog.js';
import { loadCatalogFile } from './catalog-file.js';

export interface WatchCatalogFileOptions {
  /** How often the file is stat'ed besides the directory watch (a missed event costs at most this); default 2 000 ms. */
  pollMs?: number;
  /** Default true; false leaves only the periodic stat (tests of the fallback). */
  fsWatch?: boolean;
  log?: (line: string) => void;
}

export interface CatalogFileWatch {
  close(): void;
}

/**
 * Calls `onCatalog` with the catalog in `path` now and after each change. The writer replaces
 * the file by rename (`saveCatalogFile`), so the directory is watched (a watch on the file would
 * follow the old inode) and every file seen is complete. Changes are noticed by the directory's
 * inotify event, or by the periodic stat when an event is missed or watching fails. A file that
 * is missing or does not parse keeps the last catalog in use and is logged once. Loads never
 * overlap; a change during a load is looked at right after it.
 */
export async function watchCatalogFile(path: string, onCatalog: (catalog: CatalogResponse) => void, options: WatchCatalogFileOptions = {}): Promise<CatalogFileWatch> {
  const log = options.log ?? (() => {});
  const name = basename(path);
  let loaded: string | null = null;
  let refused: string | null = null;
  let closed = false;
  let loading: Promise<void> | null = null;
  let again = false;

  const load = async () => {
    const facts = await stat(path).catch(() => null);
    if (!facts) return;
    // A rename gives a new inode: the key changes on every save, even one of equal size and mtime.
    const key = `${facts.ino}:${facts.size}:${facts.mtimeMs}`;
    if (key === loaded) return;
    const catalog = await loadCatalogFile(path);
    if (closed) return;
    if (catalog === null) {
      if (key !== refused) log(`dns: cannot read the catalog in ${path}; answering from the last one`);
      refused = key;
      return;
    }
    loaded = key;
    try {
      onCatalog(catalog);
    } catch (error) {
      log(`dns: cannot apply catalog ${catalog.index}: ${(error as Error).message}`);
    }
  };
  const check = (): Promise<void> => {
    if (closed) return Promise.resolve();
    if (loading) {
      again = true;
      return loading;
    }
    loading = load().finally(() => {
      loading = null;
      if (again) {
        again = false;
        void check();
      }
    });
    return loading;
  };

  let watcher: FSWatcher | null = null;
  if (options.fsWatch ?? true) {
    try {
      watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
        if (file === null || file === name) void check();
      });
      watcher.on('error', (error) => {
        log(`dns: cannot watch ${dirname(path)} (${error.message}); checking the catalog every ${options.pollMs ?? 2_000} ms`);
        watcher?.close();
      });
    } catch (error) {
      log(`dns: cannot watch ${dirname(path)} (${(error as Error).message}); checking the catalog every ${options.pollMs ?? 2_000} ms`);
    }
  }
  const timer = setInterval(() => void check(), options.pollMs ?? 2_000);
  timer.unref();
  // Watching starts before the first read, so a save between the two is not missed.
  await check();
  return {
    close() {
      closed = true;
      clearInterval(timer);
      watcher?.close();
    },
  };
}
