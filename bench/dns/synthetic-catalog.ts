import type { CatalogResponse } from '../../src/api/catalog.js';

export interface SyntheticCatalogOptions {
  /** Default 200. */
  apps?: number;
  /** Instances of each app; default 3. */
  instancesPerApp?: number;
  /** Default `default`. */
  namespace?: string;
}

/**
 * A catalog shaped like a busy cluster: `app-<n>` apps, each with an `http` port (8080) and a
 * `metrics` tcp port (9090), instances `app-<n>-<8 hex>` on distinct 10.88.x.y addresses.
 * Deterministic, so two runs ask the same names.
 */
export function syntheticCatalog(options: SyntheticCatalogOptions = {}): CatalogResponse {
  const apps = options.apps ?? 200;
  const perApp = options.instancesPerApp ?? 3;
  const namespace = options.namespace ?? 'default';
  let n = 0;
  const services = Array.from({ length: apps }, (_, a) => ({
    app: `app-${a}`,
    namespace,
    ports: [
      { name: 'http', port: 8080, protocol: 'http' as const, public: null },
      { name: 'metrics', port: 9090, protocol: 'tcp' as const, public: null },
    ],
    instances: Array.from({ length: perApp }, () => {
      const k = n++;
      // 250 addresses per /24 keeps clear of .0, .1 and .255.
      const address = `10.88.${Math.floor(k / 250)}.${(k % 250) + 2}`;
      const id = `app-${a}-${((k * 2654435761) >>> 0).toString(16).padStart(8, '0')}`;
      return { id, address, host: `host-${k % 10}` };
    }),
  }));
  return { index: 1, services };
}
