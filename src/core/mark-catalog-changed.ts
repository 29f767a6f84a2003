import type { Store } from '../store/store.js';

/** The store counter, and notifier key, of the service catalog. */
export const CATALOG_COUNTER = 'catalog';

/**
 * Records, inside the transaction `tx` that changed what the catalog lists (serving instances,
 * ports, apps), that it changed: bumps the catalog counter and adds its key to `changed`, which
 * the caller passes to `ctx.notifier.notify` once the transaction committed.
 */
export async function markCatalogChanged(tx: Store, changed: Set<string>): Promise<void> {
  await tx.incrementCounter(CATALOG_COUNTER);
  changed.add(CATALOG_COUNTER);
}
