import type { CatalogEntry } from '../api/catalog.js';

/**
 * The instance addresses a configuration rendered from `services` proxies to: those of apps
 * with a published port (`public` set, protocol `http` or `tcp`), exactly the `server` entries
 * `renderNginxConfig` writes. An instance outside this set receives no new connection from an
 * nginx that serves this configuration.
 */
export function routedAddresses(services: readonly CatalogEntry[]): Set<string> {
  const out = new Set<string>();
  for (const service of services) {
    if (!service.ports.some((p) => p.public !== null && p.protocol !== 'udp')) continue;
    for (const instance of service.instances) out.add(instance.address);
  }
  return out;
}
