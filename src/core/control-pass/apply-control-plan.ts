import type { Store } from '../../store/store.js';
import { markAssignmentsChanged } from '../mark-assignments-changed.js';
import { markCatalogChanged } from '../mark-catalog-changed.js';
import type { ControlPlan } from './control-plan.js';

/**
 * Writes a control plan through `tx`, the transaction its snapshot was read in. Stops land before
 * inserts, so a replacement never meets its predecessor in the live-slot unique index. The
 * notifier keys of what changed (the hosts whose assignments changed, the catalog) are added to
 * `changed`, for the caller to notify once the transaction committed.
 */
export async function applyControlPlan(tx: Store, plan: ControlPlan, now: number, changed: Set<string>): Promise<void> {
  for (const { id, patch } of plan.deploymentUpdates) await tx.updateDeployment(id, patch);
  for (const hostId of plan.hostsDown) await tx.updateHost(hostId, { status: 'down' });
  for (const { instanceId, reason } of plan.lost) await tx.updateInstance(instanceId, { state: 'lost', message: reason, updatedAt: now });
  for (const { instanceId, reason } of plan.unknown) await tx.updateInstance(instanceId, { state: 'unknown', message: reason, updatedAt: now });
  if (plan.stop.length > 0) await tx.updateInstances(plan.stop, { desired: 'stop', updatedAt: now });
  // Before the inserts: a moving instance leaves the live-slot index, its replacement enters it.
  if (plan.moving.length > 0) await tx.updateInstances(plan.moving, { moving: true });
  if (plan.place.length > 0) await tx.insertInstances(plan.place);
  await tx.deleteVolumes(plan.deleteVolumes);
  await tx.insertVolumes(plan.newVolumes);
  for (const { id, sizeMib } of plan.growVolumes) await tx.updateVolumeSize(id, sizeMib);
  for (const { id, patch } of plan.appUpdates) await tx.updateApp(id, patch);
  for (const deployment of plan.newDeployments) await tx.insertDeployment(deployment);
  for (const appId of plan.deleteApps) await tx.deleteApp(appId);
  if (plan.assignmentsChanged) await markAssignmentsChanged(tx, plan.assignmentHosts, changed);
  if (plan.catalogChanged) await markCatalogChanged(tx, changed);
  if (plan.events.length > 0) await tx.appendEvents(plan.events);
}
