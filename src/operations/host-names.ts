import type { MaintenanceWorld } from './maintenance-world.js';

/** `a, b`: hosts by name for texts; an id not in the group shows as itself. */
export function hostNames(world: MaintenanceWorld, ids: Iterable<string>): string {
  return [...ids].map((id) => world.hosts.get(id)?.name ?? id).join(', ');
}
