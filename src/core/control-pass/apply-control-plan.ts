import type { Store } from '../../store/store.js';
import { ASSIGNMENTS_COUNTER } from '../get-assignments.js';
import { CATALOG_COUNTER } from '../get-catalog.js';
import type { ControlPlan } from './control-plan.js';

/**
 * Writes a control plan through `tx`, the transaction its snapshot was read in. Stops land before
 * inserts, so a replacement never meets its predecessor in the live-slot unique index.
 */
export async function applyControlPlan(tx: Store, plan: ControlPlan, now: number): Promise<void> {
  for (const { id, patch } of plan.deploymentUpdates) await tx.updateDeployment(id, patch);
  for (const hostId of plan.hostsDown) await tx.updateHost(hostId, { status: 'down' });
  for (const { instanceId, reason } of plan.lost) await tx.updateInstance(instanceId, { state: 'lost', message: reason, updatedAt: now });
  for (const { instanceId, reason } of plan.unknown) await tx.updateInstance(instanceId, { state: 'unknown', message: reason, updatedAt: now });
  if (plan.stop.length > 0) await tx.updateInstances(plan.stop, { desired: 'stop', updatedAt: now });
  if (plan.place.length > 0) await tx.insertInstances(plan.place);
  for (const { id, patch } of plan.appUpdates) await tx.updateApp(id, patch);
  for (const deployment of plan.newDeployments) await tx.insertDeployment(deployment);
  for (const appId of plan.deleteApps) await tx.deleteApp(appId);
  if (plan.assignmentsChanged) await tx.incrementCounter(ASSIGNMENTS_COUNTER);
  if (plan.catalogChanged) await tx.incrementCounter(CATALOG_COUNTER);
  if (plan.events.length > 0) await tx.appendEvents(plan.events);
}
