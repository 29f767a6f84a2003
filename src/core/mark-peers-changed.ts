import type { Store } from '../store/store.js';
import { markCatalogChanged } from './mark-catalog-changed.js';

/** The store counter of the host list agents route by (the catalog's `peers_index`). */
export const PEERS_COUNTER = 'peers';

/**
 * Records, inside the transaction `tx` that added, moved or removed a host, that the host list
 * changed. The catalog changes with it: that is what wakes every agent's catalog poll to fetch
 * the new list once (`getCatalog` sends it only to pollers whose list is older).
 */
export async function markPeersChanged(tx: Store, changed: Set<string>): Promise<void> {
  await tx.incrementCounter(PEERS_COUNTER);
  await markCatalogChanged(tx, changed);
}
