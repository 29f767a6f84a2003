import type { Store } from '../store/store.js';

/** The store counter, and notifier key, of one host's assignments. */
export function assignmentsKey(hostId: string): string {
  return `assignments:${hostId}`;
}

/**
 * Records, inside the transaction `tx` that changed instances on `hostIds`, that those hosts'
 * assignments changed: bumps each host's own counter (the index its agent long-polls on) and adds
 * its key to `changed`. After the transaction commits, the caller passes `changed` to
 * `ctx.notifier.notify`, which wakes those hosts' polls and nobody else's.
 */
export async function markAssignmentsChanged(tx: Store, hostIds: Iterable<string>, changed: Set<string>): Promise<void> {
  for (const hostId of new Set(hostIds)) {
    const key = assignmentsKey(hostId);
    await tx.incrementCounter(key);
    changed.add(key);
  }
}
