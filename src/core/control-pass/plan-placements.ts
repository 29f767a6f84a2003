import type { App } from '../../domain/app.js';
import type { BuboEvent } from '../../domain/event.js';
import type { Instance } from '../../domain/instance.js';
import type { PlaceInstance } from '../../reconciler/reconcile-plan.js';
import type { SchedulerSnapshot } from '../../scheduler/scheduler-snapshot.js';
import { event } from '../record-event.js';
import { specResources } from '../spec-resources.js';
import { type ControlSnapshot, releaseKey } from './control-snapshot.js';
import { groupBy } from './group-by.js';
import { placeApp } from './place-app.js';

const ACTOR = 'system';

/**
 * Turns the reconciler's placements into new instances on hosts the scheduler picks, app by
 * app, each app seeing the capacity the previous ones took. Records one `placement.blocked`
 * event per new reason an app cannot be placed in full.
 */
export function planPlacements(
  snapshot: ControlSnapshot,
  scheduler: SchedulerSnapshot,
  places: readonly PlaceInstance[],
  now: number,
  newId: (prefix: string) => string,
): { placed: Instance[]; events: Omit<BuboEvent, 'id'>[]; blocked: Map<string, string> } {
  const appsById = new Map<string, App>(snapshot.apps.map((a) => [a.id, a]));
  const names = new Map(snapshot.hosts.map((h) => [h.id, h.name]));
  const blocked = new Map(snapshot.blocked);
  const placed: Instance[] = [];
  const events: Omit<BuboEvent, 'id'>[] = [];
  let world = scheduler;
  for (const [key, group] of groupBy(places, (p) => `${p.appId}#${p.release}`)) {
    const first = group[0]!;
    const app = appsById.get(first.appId)!;
    const release = snapshot.releases.get(releaseKey(first.appId, first.release));
    if (!release) continue;
    const { spec } = release;
    const request = { appId: app.id, group: spec.group, runtime: spec.runtime, resources: specResources(spec), count: group.length };
    const result = placeApp(world, request, { seed: snapshot.seed, force: app.overProvision });
    world = result.snapshot;
    const mine = result.hostIds.map(
      (hostId, n): Instance => ({
        id: newId(spec.app),
        appId: app.id,
        release: group[n]!.release,
        hostId,
        slot: group[n]!.slot,
        desired: 'run',
        state: 'pending',
        address: null,
        message: '',
        // With a check, an instance serves only once the agent reports it healthy.
        health: spec.check ? 'unknown' : 'none',
        healthMessage: '',
        createdAt: now,
        updatedAt: now,
      }),
    );
    placed.push(...mine);
    if (mine.length > 0) {
      const where = [...new Set(result.hostIds.map((id) => names.get(id)))].join(', ');
      events.push(
        event(now, ACTOR, 'instance.placed', `placed ${mine.length} instance(s) of ${app.id} release ${first.release} on ${where}`, {
          appId: app.id,
          data: { release: first.release, instances: mine.map((i) => i.id) },
        }),
      );
      for (const w of result.warnings) events.push(event(now, ACTOR, 'capacity.overprovisioned', w, { appId: app.id }));
    }
    if (result.blocked && blocked.get(key) !== result.blocked) {
      events.push(event(now, ACTOR, 'placement.blocked', result.blocked, { appId: app.id }));
    }
    if (result.blocked) blocked.set(key, result.blocked);
    else blocked.delete(key);
  }
  return { placed, events, blocked };
}
