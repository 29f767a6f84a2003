import type { Store } from '../store/store.js';

/** The store counter of the host list agents route by (the catalog's `peers_index`). */
export const PEERS_COUNTER = 'peers';

/**
 * Records, inside the transaction `tx` that added, moved or removed a host, that the host list
 * changed. After the commit the caller calls `ctx.announcePeers()`, which turns a burst of such
 * changes into one catalog change (`PeersAnnouncer`): that wakes every agent's catalog poll to
 * fetch the new list once.
 */
export async function markPeersChanged(tx: Store): Promise<void> {
  await tx.incrementCounter(PEERS_COUNTER);
}
