import type { BuboEvent } from '../domain/event.js';
import { isServing, isTerminal } from '../domain/instance.js';
import type { Store } from '../store/store.js';
import { markAssignmentsChanged } from './mark-assignments-changed.js';
import { markCatalogChanged } from './mark-catalog-changed.js';
import { event } from './record-event.js';

/**
 * Ends an app's running deployment because a new one (a deploy or a rollback to `nextRelease`)
 * takes over, inside the caller's transaction. Returns the events to record; the notifier keys of
 * what it changed are added to `input.changed`.
 *
 * A blue-green deployment that already switched keeps its old set running out of traffic for the
 * switch grace. The next deployment would count that set as "old" like any other and could put it
 * back in traffic beside the release that replaced it, so it stops now, unless it is the release
 * being deployed (a rollback during the grace wants exactly those instances) or the switched-to
 * release has nothing serving (then the old set is all that serves).
 */
export async function supersedeDeployment(
  tx: Store,
  appId: string,
  input: { nextRelease: number; message: string; actor: string; now: number; changed: Set<string> },
): Promise<Omit<BuboEvent, 'id'>[]> {
  const previous = await tx.activeDeployment(appId);
  if (!previous) return [];
  await tx.updateDeployment(previous.id, { status: 'superseded', message: input.message, updatedAt: input.now });
  if (previous.switchedAt === null) return [];
  const instances = await tx.listInstances({ appId });
  if (!instances.some((i) => i.release === previous.toRelease && isServing(i))) return [];
  const stale = instances.filter(
    (i) => i.desired === 'run' && !isTerminal(i.state) && i.release !== previous.toRelease && i.release !== input.nextRelease,
  );
  if (stale.length === 0) return [];
  await tx.updateInstances(
    stale.map((i) => i.id),
    { desired: 'stop', updatedAt: input.now },
  );
  await markAssignmentsChanged(tx, stale.map((i) => i.hostId), input.changed);
  await markCatalogChanged(tx, input.changed);
  const releases = [...new Set(stale.map((i) => i.release))].sort((a, b) => a - b).join(', ');
  return [
    event(
      input.now,
      input.actor,
      'instance.stopping',
      `stopping ${stale.length} instance(s) of ${appId}: release ${releases} was switched away from by ${previous.id}, whose switch grace ends early because release ${input.nextRelease} replaces it`,
      { appId, data: { instances: stale.map((i) => i.id) } },
    ),
  ];
}
