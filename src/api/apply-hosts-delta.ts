import type { CatalogHost } from './catalog.js';

/**
 * The host list of a catalog answer's `peers_index`, from the list the caller holds (that of the
 * answer's `hosts_since`) and the answer's changes: changed entries replace those of the same
 * name or join, removed names leave. Sorted by name, as the server sends the whole list.
 */
export function applyHostsDelta(held: readonly CatalogHost[], changed: readonly CatalogHost[], removed: readonly string[]): CatalogHost[] {
  const byName = new Map(held.map((h) => [h.name, h]));
  for (const name of removed) byName.delete(name);
  for (const host of changed) byName.set(host.name, host);
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
