import type { CatalogHost } from '../api/catalog.js';

/** What changed in the host list between two of its indexes: entries new or changed, names gone. */
export interface HostsDelta {
  changed: CatalogHost[];
  removed: string[];
}

/**
 * The host-list changes this server has seen, by `peers_index`, so that an agent holding an
 * older list gets what changed since instead of the whole list. During a mass join every catalog
 * poller is behind after each announcement: sending each of N pollers the whole list of N hosts
 * every announcement made a join of N hosts cost N² entries per announcement (10,000 hosts: 10⁸
 * entries, gigabytes a second); the changes since the poller's index are the hosts that joined in
 * one announcement window.
 *
 * `record` is called with each host list the catalog is built from (read in one transaction with
 * its index); it keeps the diff to the previous one. The log lives in memory: after a restart, or
 * for an index it no longer keeps, `since` answers undefined and the caller sends the whole list.
 * It keeps at most `maxEntries` diffs, and drops the oldest once they hold more entries than the
 * list itself (a delta that large is no cheaper than the list).
 */
export class PeersLog {
  #latest: { index: number; hosts: Map<string, CatalogHost> } | undefined;
  /** Oldest first; each is the diff from the index before it (the first one's `from`) to `index`. */
  #entries: { from: number; index: number; delta: HostsDelta }[] = [];
  #size = 0;

  constructor(private readonly maxEntries = 64) {}

  /** The host list as of `index` (indexes only grow; an older or repeated one is ignored). */
  record(index: number, hosts: readonly CatalogHost[]): void {
    if (this.#latest && index <= this.#latest.index) return;
    const next = new Map(hosts.map((h) => [h.name, h]));
    const previous = this.#latest;
    this.#latest = { index, hosts: next };
    if (!previous) return;
    const changed: CatalogHost[] = [];
    for (const host of next.values()) {
      const old = previous.hosts.get(host.name);
      if (!old || old.address !== host.address || old.subnet !== host.subnet) changed.push(host);
    }
    const removed = [...previous.hosts.keys()].filter((name) => !next.has(name));
    this.#entries.push({ from: previous.index, index, delta: { changed, removed } });
    this.#size += changed.length + removed.length;
    while (this.#entries.length > this.maxEntries || (this.#entries.length > 1 && this.#size > next.size)) {
      const dropped = this.#entries.shift()!;
      this.#size -= dropped.delta.changed.length + dropped.delta.removed.length;
    }
  }

  /**
   * What changed from the list of index `from` to that of index `to` (both recorded), or
   * undefined when this log cannot tell (an index it never saw or no longer keeps): then send
   * the whole list.
   */
  since(from: number, to: number): HostsDelta | undefined {
    if (from === to && this.#knows(to)) return { changed: [], removed: [] };
    const start = this.#entries.findIndex((e) => e.from === from);
    const end = this.#entries.findIndex((e) => e.index === to);
    if (start < 0 || end < start) return undefined;
    // Later entries win: a host removed and registered again is changed, not removed.
    const net = new Map<string, CatalogHost | null>();
    for (const { delta } of this.#entries.slice(start, end + 1)) {
      for (const host of delta.changed) net.set(host.name, host);
      for (const name of delta.removed) net.set(name, null);
    }
    const changed: CatalogHost[] = [];
    const removed: string[] = [];
    for (const [name, host] of net) {
      if (host) changed.push(host);
      else removed.push(name);
    }
    return { changed, removed };
  }

  #knows(index: number): boolean {
    return this.#latest?.index === index || this.#entries.some((e) => e.from === index || e.index === index);
  }
}
