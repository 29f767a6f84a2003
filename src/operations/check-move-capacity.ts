import { addResources, RESOURCE_KEYS, type Resources, ZERO_RESOURCES } from '../domain/resources.js';
import type { BatchCheck } from './batch-check.js';
import { type FitFailure, fitMoves, type MoveItem } from './fit-moves.js';
import { formatResources } from './format-resources.js';
import type { MaintenanceHost } from './maintenance-plan-input.js';
import type { MaintenanceWorld } from './maintenance-world.js';

/** Hosts named in a capacity reason before "and N more": the sentence stays one line. */
const MAX_HOSTS_NAMED = 3;

/** Every movable instance on the batch's hosts, host by host in batch order, then app order. */
export function movableItems(world: MaintenanceWorld, batch: Iterable<string>): MoveItem[] {
  const items: MoveItem[] = [];
  for (const hostId of batch) {
    for (const app of world.input.apps) {
      if (app.pinned) continue;
      for (const i of app.instances) if (i.hostId === hostId) items.push({ app, slot: i.slot, fromHostId: hostId });
    }
  }
  return items;
}

/**
 * Rule 4: the batch's movable instances all need a replacement elsewhere before they stop, and
 * they compete for the same free capacity: the ready, uncordoned hosts of the group outside the
 * batch that run their runtime. Pinned instances need no room: they come back where they were.
 */
export const checkMoveCapacity: BatchCheck = (world, batch) => {
  const items = movableItems(world, batch);
  if (items.length === 0) return null;
  const hosts = world.input.groupHosts.filter((h) => h.ready && !h.cordoned && !batch.has(h.id));
  const failure = fitMoves(items, hosts);
  return failure === null ? null : capacityRejection(items, hosts, failure);
};

function capacityRejection(items: MoveItem[], hosts: MaintenanceHost[], failure: FitFailure) {
  const { app, slot } = failure.item;
  if (failure.left.length === 0) {
    return {
      check: 'capacity' as const,
      reason: `no ready, uncordoned host outside the batch runs ${app.runtime} (needed by ${app.appId})`,
      fix: `make a host of the group that runs ${app.runtime} ready and uncordoned, or add one`,
    };
  }
  const total = items.reduce((sum, i) => addResources(sum, i.app.resources), ZERO_RESOURCES);
  const short = failure.left.slice(0, MAX_HOSTS_NAMED).map(({ host, free }) => {
    const keys = RESOURCE_KEYS.filter((k) => app.resources[k] > free[k]);
    return `${host.name} has ${formatResources(free, keys)} free`;
  });
  const more = failure.left.length - short.length;
  if (more > 0) short.push(`${more} more ${more === 1 ? 'host lacks' : 'hosts lack'} room`);
  const n = items.length;
  return {
    check: 'capacity' as const,
    reason: `${n} movable ${n === 1 ? 'instance' : 'instances'} (${formatResources(total)}) do not fit on the other hosts: ${app.appId} slot ${slot} needs ${formatResources(app.resources)}; ${short.join(', ')}`,
    fix: capacityFix(items, hosts, failure),
  };
}

/** How much more the group needs, in all, for this runtime; or room for the one that failed when the sum is enough but no single host is. */
function capacityFix(items: MoveItem[], hosts: MaintenanceHost[], failure: FitFailure): string {
  const { app } = failure.item;
  const sameRuntime = items.filter((i) => i.app.runtime === app.runtime);
  const needs = sameRuntime.reduce((sum, i) => addResources(sum, i.app.resources), ZERO_RESOURCES);
  const free = hosts
    .filter((h) => h.runtimes.includes(app.runtime))
    .reduce((sum, h) => addResources(sum, clampAtZero(h.free)), ZERO_RESOURCES);
  const keys = RESOURCE_KEYS.filter((k) => needs[k] > free[k]);
  if (keys.length > 0) {
    const missing = { millicpus: needs.millicpus - free.millicpus, memoryMib: needs.memoryMib - free.memoryMib, diskMib: needs.diskMib - free.diskMib };
    return `free ${formatResources(missing, keys)} more on the group's ready, uncordoned ${app.runtime} hosts, or add a host to the group`;
  }
  return `free room for one more ${app.appId} instance (${formatResources(app.resources)}) on a ready, uncordoned ${app.runtime} host of the group, or add a host to the group`;
}

function clampAtZero(r: Resources): Resources {
  return { millicpus: Math.max(0, r.millicpus), memoryMib: Math.max(0, r.memoryMib), diskMib: Math.max(0, r.diskMib) };
}
