import { CatalogResponse } from '../api/catalog.js';
import type { ApiClient } from '../client/api-client.js';
import { followLongPoll } from '../client/follow-long-poll.js';

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
  /**
   * The `peers_index` of the host list the caller holds, sent as `peers` (see `CatalogQuery`).
   * The caller must apply `hosts_changed`/`hosts_removed` of an answer whose `hosts_since` is it.
   */
  peersIndex?: () => number | undefined;
  log?: (line: string) => void;
}

/**
 * Long-polls `agentCatalog` until `signal` aborts (then resolves) and calls `onCatalog` with
 * each new catalog (a new index), the first answer always. Errors are retried with backoff and
 * never reach the caller: while the server is unreachable nothing is called, so the consumer
 * keeps answering from the last catalog (see `followLongPoll`).
 */
export function followCatalog(
  client: Pick<ApiClient, 'call'>,
  onCatalog: (catalog: CatalogResponse, from: { saved: boolean }) => void,
  signal: AbortSignal,
  options: FollowCatalogOptions = {},
): Promise<void> {
  return followLongPoll(
    (index, waitMs, s): Promise<CatalogResponse> =>
      client.call('agentCatalog', {
        query: { index, wait_ms: waitMs, ...withPeers(options.peersIndex?.()) },
        signal: s,
        timeoutMs: waitMs + 10_000,
      }),
    onCatalog,
    signal,
    {
      what: 'catalog',
      ...(options.waitMs !== undefined ? { waitMs: options.waitMs } : {}),
      ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}),
      ...(options.stateFile ? { stateFile: { path: options.stateFile, schema: CatalogResponse } } : {}),
      ...(options.log ? { log: options.log } : {}),
    },
  );
}

/** The held list's index, and that this follower's caller applies `hosts_changed` (see `CatalogQuery`). */
function withPeers(peers: number | undefined): { peers?: number; peers_delta?: '1' } {
  return peers === undefined ? {} : { peers, peers_delta: '1' };
}
