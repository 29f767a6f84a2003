import type { CatalogHost } from '../api/catalog.js';
import type { Host } from '../domain/host.js';

/**
 * Every registered host's address and instance subnet, by name: what each agent routes to.
 * Down hosts stay listed: a route to a silent host's subnet costs nothing, and a host that comes
 * back is reachable at once, before the catalog catches up.
 */
export function catalogHosts(hosts: readonly Pick<Host, 'name' | 'address' | 'subnet'>[]): CatalogHost[] {
  return hosts.map(({ name, address, subnet }) => ({ name, address, subnet })).sort((a, b) => a.name.localeCompare(b.name));
}
