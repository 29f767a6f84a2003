import type { Store } from '../store/store.js';

/**
 * Heartbeats of hosts that are up, kept in memory and written in one transaction per control-loop
 * pass (`flush`, before the pass reads the hosts), instead of one durable commit each: a commit
 * waits for an fsync (~7 ms here) on the event loop, and 10,000 hosts beating every 5 s would
 * need 2,000 of them a second. A heartbeat is liveness, not intent: losing the last second of
 * them in a crash only makes a host look a second older than it is.
 */
export class HeartbeatBuffer {
  #pending = new Map<string, number>();

  record(hostId: string, at: number): void {
    this.#pending.set(hostId, at);
  }

  /** Writes every buffered heartbeat in one transaction. */
  async flush(store: Store): Promise<void> {
    if (this.#pending.size === 0) return;
    const beats = this.#pending;
    this.#pending = new Map();
    await store.transaction(async (tx) => {
      for (const [id, at] of beats) await tx.updateHost(id, { lastHeartbeatAt: at });
    });
  }

  get pending(): number {
    return this.#pending.size;
  }
}
