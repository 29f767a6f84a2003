import type { BuboEvent } from '../../domain/event.js';
import type { Instance } from '../../domain/instance.js';
import type { StopInstance } from '../../reconciler/reconcile-plan.js';
import { event } from '../record-event.js';
import { groupBy } from './group-by.js';

/** One `instance.stopping` event per app, with the distinct reasons. */
export function describeStops(stops: readonly StopInstance[], instances: readonly Instance[], now: number): Omit<BuboEvent, 'id'>[] {
  const byId = new Map(instances.map((i) => [i.id, i]));
  const out: Omit<BuboEvent, 'id'>[] = [];
  for (const [appId, group] of groupBy(stops, (s) => byId.get(s.instanceId)?.appId ?? '?')) {
    const reasons = [...new Set(group.map((s) => s.reason))].join('; ');
    out.push(
      event(now, 'system', 'instance.stopping', `stopping ${group.length} instance(s) of ${appId}: ${reasons}`, {
        appId,
        data: { instances: group.map((s) => s.instanceId) },
      }),
    );
  }
  return out;
}
