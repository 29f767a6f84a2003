import { isIPv4 } from 'node:net';
import type { CatalogEntry, CatalogResponse } from '../api/catalog.js';

/** One service of the catalog, as DNS sees it. */
export interface SnapshotService {
  entry: CatalogEntry;
  /** Named ports by lower-cased name. */
  ports: ReadonlyMap<string, CatalogEntry['ports'][number]>;
}

/**
 * The catalog indexed for lookups by DNS name; immutable once built. Every key is lower-case,
 * because DNS names compare case-insensitively.
 */
export interface CatalogSnapshot {
  /** The catalog's index; the SOA serial. */
  index: number;
  /** By `<app>.<namespace>`. */
  services: ReadonlyMap<string, SnapshotService>;
  /** Instance address by instance id. */
  instances: ReadonlyMap<string, string>;
  /** Namespaces that hold at least one app: `<namespace>.<zone>` exists (no records of its own). */
  namespaces: ReadonlySet<string>;
}

export const EMPTY_CATALOG_SNAPSHOT: CatalogSnapshot = buildCatalogSnapshot({ index: 0, services: [] });

/**
 * Indexes `catalog`. Instances whose address is not IPv4 are left out: they cannot be A
 * records, and one bad entry must not break the answers for the rest.
 */
export function buildCatalogSnapshot(catalog: CatalogResponse): CatalogSnapshot {
  const services = new Map<string, SnapshotService>();
  const instances = new Map<string, string>();
  const namespaces = new Set<string>();
  for (const entry of catalog.services) {
    const namespace = entry.namespace.toLowerCase();
    namespaces.add(namespace);
    const usable = { ...entry, instances: entry.instances.filter((i) => isIPv4(i.address)) };
    services.set(`${entry.app.toLowerCase()}.${namespace}`, {
      entry: usable,
      ports: new Map(entry.ports.map((p) => [p.name.toLowerCase(), p])),
    });
    for (const instance of usable.instances) instances.set(instance.id.toLowerCase(), instance.address);
  }
  return { index: catalog.index, services, instances, namespaces };
}
