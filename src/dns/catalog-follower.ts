import { setTimeout as sleep } from 'node:timers/promises';
import type { CatalogResponse } from '../api/catalog.js';
import type { ApiClient } from '../client/api-client.js';
import { RECONNECT_STEPS_MS, reconnectDelayMs } from '../client/reconnect-delay.js';
import { loadCatalogFile, saveCatalogFile } from './catalog-file.js';

export interface FollowCatalogOptions {
  /** How long the server may hold one long-poll, in milliseconds; default 30 000. */
  waitMs?: number;
  /**
   * Steps of the wait between failed polls, the last one repeating, each jittered down to half
   * (`reconnectDelayMs`). Default 250, 500, 1 000, 2 000, 5 000 ms.
   */
  backoffMs?: readonly number[];
  /**
   * Where to keep the last catalog. When set, a saved catalog is delivered before the first
   * poll, so an agent restarted while the server is away still answers DNS.
   */
  stateFile?: string;
  log?: (line: string) => void;
}

/**
 * Long-polls `agentCatalog` until `signal` aborts (then resolves) and calls `onCatalog` with
 * each new catalog (a new index), the first answer always. Errors are retried with backoff and
 * never reach the caller: while the server is unreachable nothing is called, so the consumer
 * keeps answering from the last catalog. An `onCatalog` that throws is logged and ignored.
 */
export async function followCatalog(
  client: Pick<ApiClient, 'call'>,
  onCatalog: (catalog: CatalogResponse) => void,
  signal: AbortSignal,
  options: FollowCatalogOptions = {},
): Promise<void> {
  const waitMs = options.waitMs ?? 30_000;
  const backoffMs = options.backoffMs ?? RECONNECT_STEPS_MS;
  const log = options.log ?? (() => {});
  const deliver = (catalog: CatalogResponse) => {
    try {
      onCatalog(catalog);
    } catch (error) {
      log(`catalog: cannot apply catalog ${catalog.index}: ${(error as Error).message}`);
    }
  };

  if (options.stateFile) {
    const saved = await loadCatalogFile(options.stateFile);
    if (saved && !signal.aborted) deliver(saved);
  }

  // Index 0 is never current, so the first poll answers at once with the server's catalog.
  let index: number | null = null;
  let failures = 0;
  while (!signal.aborted) {
    try {
      const catalog: CatalogResponse = await client.call('agentCatalog', {
        query: { index: index ?? 0, wait_ms: waitMs },
        signal,
        timeoutMs: waitMs + 10_000,
      });
      if (failures > 0) log(`catalog: server answers again (index ${catalog.index})`);
      failures = 0;
      if (catalog.index === index) continue;
      index = catalog.index;
      deliver(catalog);
      if (options.stateFile) {
        await saveCatalogFile(options.stateFile, catalog).catch((error: Error) =>
          log(`catalog: cannot save ${options.stateFile}: ${error.message}`),
        );
      }
    } catch (error) {
      if (signal.aborted) return;
      const delay = reconnectDelayMs(failures++, Math.random(), backoffMs);
      log(`catalog: ${(error as Error).message}; keeping the last catalog, retrying in ${delay} ms`);
      await sleep(delay, undefined, { signal }).catch(() => {});
    }
  }
}
