import { RESOURCE_KEYS, type Resources, subtractResources } from '../domain/resources.js';
import type { MaintenanceApp, MaintenanceHost } from './maintenance-plan-input.js';

/** An instance to be moved off a batch's host. */
export interface MoveItem {
  app: MaintenanceApp;
  slot: number;
  fromHostId: string;
}

/** The first instance that found no room, and what was left on the hosts that run its runtime. */
export interface FitFailure {
  item: MoveItem;
  left: { host: MaintenanceHost; free: Resources }[];
}

const fits = (needs: Resources, free: Resources) => RESOURCE_KEYS.every((k) => needs[k] <= free[k]);

/**
 * Can every item find room, together, on `hosts` (already filtered to ready, uncordoned hosts
 * outside the batch)? First-fit decreasing by memory (then cpu, then disk; ties keep the input
 * order), hosts in the group's order. This is a feasibility check only: the real scheduler spreads
 * replacements differently (and may fit where this fails: FFD is not exact), so where instances
 * land is not predicted here.
 */
export function fitMoves(items: readonly MoveItem[], hosts: readonly MaintenanceHost[]): FitFailure | null {
  const free = hosts.map((host) => ({ host, free: { ...host.free } }));
  const byNeed = [...items].sort((x, y) => {
    const a = x.app.resources;
    const b = y.app.resources;
    return b.memoryMib - a.memoryMib || b.millicpus - a.millicpus || b.diskMib - a.diskMib;
  });
  for (const item of byNeed) {
    const candidates = free.filter((f) => f.host.runtimes.includes(item.app.runtime));
    const room = candidates.find((f) => fits(item.app.resources, f.free));
    if (!room) return { item, left: candidates.map((c) => ({ host: c.host, free: { ...c.free } })) };
    room.free = subtractResources(room.free, item.app.resources);
  }
  return null;
}
