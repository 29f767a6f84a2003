/**
 * Wakes long-polls by key: one key per host's assignments (`assignmentsKey`) and one for the
 * catalog (`CATALOG_COUNTER`). A change wakes only the waiters of the keys it names, so a deploy
 * that touches three hosts wakes three assignment polls, not every host's. The change indexes
 * themselves are persisted (store counters of the same names), so an agent that reconnects after
 * a server restart never waits on a stale index.
 *
 * Each key also has a generation, bumped by every `notify` of it: a read started at generation g
 * can be shared by any waiter that registered while the generation was still g (no change was
 * announced in between, so the read cannot be older than the waiter's registration says).
 */
export class AssignmentNotifier {
  #waiters = new Map<string, Set<() => void>>();
  #generations = new Map<string, number>();

  /** Resolves on the next `notify` of `key` (or `notifyAll`), or when `signal` aborts. */
  wait(key: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const waiters = this.#waiters.get(key) ?? new Set<() => void>();
      this.#waiters.set(key, waiters);
      const done = () => {
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiters.get(key) === waiters) this.#waiters.delete(key);
        signal.removeEventListener('abort', done);
        resolve();
      };
      waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /**
   * Wakes the waiters of each key; call after the transaction that changed them committed.
   * Waiters wake `WAKE_BATCH` at a time, one batch per event-loop turn: 1,000 catalog polls
   * answered in one turn blocked the loop for ~0.8 s (fastify's reply and the socket write are
   * ~0.7 ms each), so `/v1/health` and heartbeats waited that long. Between batches they get in.
   */
  notify(keys: Iterable<string>): void {
    const woken: (() => void)[] = [];
    for (const key of new Set(keys)) {
      this.#generations.set(key, this.generation(key) + 1);
      const waiters = this.#waiters.get(key);
      if (waiters) woken.push(...waiters);
    }
    wakeInBatches(woken, 0);
  }

  /** Wakes everyone (server shutdown). */
  notifyAll(): void {
    this.notify([...this.#waiters.keys()]);
  }

  generation(key: string): number {
    return this.#generations.get(key) ?? 0;
  }

  /** Waiters of `key`, or of every key. */
  waiting(key?: string): number {
    if (key !== undefined) return this.#waiters.get(key)?.size ?? 0;
    let n = 0;
    for (const set of this.#waiters.values()) n += set.size;
    return n;
  }
}

/** Waiters woken per event-loop turn (about 20 ms of answers on the project's 2-core machine). */
export const WAKE_BATCH = 32;

function wakeInBatches(waiters: readonly (() => void)[], from: number): void {
  const end = Math.min(from + WAKE_BATCH, waiters.length);
  for (let i = from; i < end; i++) waiters[i]!();
  if (end < waiters.length) setImmediate(() => wakeInBatches(waiters, end));
}
