/**
 * Wakes agents that long-poll their assignments. The change index itself is persisted (a store
 * counter), so an agent that reconnects after a server restart never waits on a stale index.
 */
export class AssignmentNotifier {
  #waiters = new Set<() => void>();

  /** Resolves on the next `notify()` or when `signal` aborts, whichever comes first. */
  wait(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        this.#waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.#waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  get waiting(): number {
    return this.#waiters.size;
  }
}
