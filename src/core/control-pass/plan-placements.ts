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
import { type VolumeChanges, volumePlanner } from './volume-planner.js';
import type { PlacementRequest } from '../../scheduler/placement-request.js';

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
): { placed: Instance[]; events: Omit<BuboEvent, 'id'>[]; blocked: Map<string, string> } & VolumeChanges {
  const appsById = new Map<string, App>(snapshot.apps.map((a) => [a.id, a]));
  const names = new Map(snapshot.hosts.map((h) => [h.id, h.name]));
  const blocked = new Map(snapshot.blocked);
  const placed: Instance[] = [];
  const events: Omit<BuboEvent, 'id'>[] = [];
  let world = scheduler;
  const volumes = volumePlanner(snapshot);
  for (const [key, group] of groupBy(places, (p) => `${p.appId}#${p.release}`)) {
    const first = group[0]!;
    const app = appsById.get(first.appId)!;
    const release = snapshot.releases.get(releaseKey(first.appId, first.release));
    if (!release) continue;
    const { spec } = release;
    const resources = specResources(spec);
    // Slots whose data lives on a host go there, one request each; the rest are spread together.
    const free: PlaceInstance[] = [];
    const requests: { places: PlaceInstance[]; request: PlacementRequest }[] = [];
    for (const p of group) {
      const pin = volumes.pinOf(app.id, p.slot);
      if (pin === null) free.push(p);
      else {
        // The volumes already sit on that host's disk (counted in its allocation): only the rest is asked for.
        const diskMib = Math.max(0, resources.diskMib - pin.existingMib);
        const pinnedTo = { hostId: pin.hostId, hostName: names.get(pin.hostId) ?? pin.hostId, slot: p.slot };
        requests.push({ places: [p], request: { appId: app.id, group: spec.group, runtime: spec.runtime, resources: { ...resources, diskMib }, count: 1, pinnedTo } });
      }
    }
    if (free.length > 0) requests.unshift({ places: free, request: { appId: app.id, group: spec.group, runtime: spec.runtime, resources, count: free.length } });
    const reasons: string[] = [];
    const mine: Instance[] = [];
    for (const { places: asked, request } of requests) {
      const result = placeApp(world, request, { seed: snapshot.seed, force: app.overProvision });
      world = result.snapshot;
      result.hostIds.forEach((hostId, n) => {
        const p = asked[n]!;
        mine.push({
          id: newId(spec.app),
          appId: app.id,
          release: p.release,
          hostId,
          slot: p.slot,
          desired: 'run',
          state: 'pending',
          address: null,
          message: '',
          // With a check, an instance serves only once the agent reports it healthy.
          health: spec.check ? 'unknown' : 'none',
          healthMessage: '',
          createdAt: now,
          updatedAt: now,
        });
        volumes.placed(app, spec.volumes, p.slot, hostId, now);
      });
      for (const w of result.warnings) events.push(event(now, ACTOR, 'capacity.overprovisioned', w, { appId: app.id }));
      if (result.blocked) reasons.push(request.pinnedTo ? `slot ${request.pinnedTo.slot}: ${result.blocked}` : result.blocked);
    }
    placed.push(...mine);
    if (mine.length > 0) {
      const where = [...new Set(mine.map((i) => names.get(i.hostId)))].join(', ');
      events.push(
        event(now, ACTOR, 'instance.placed', `placed ${mine.length} instance(s) of ${app.id} release ${first.release} on ${where}`, {
          appId: app.id,
          data: { release: first.release, instances: mine.map((i) => i.id) },
        }),
      );
    }
    const why = reasons.length > 0 ? reasons.join('; ') : null;
    if (why && blocked.get(key) !== why) events.push(event(now, ACTOR, 'placement.blocked', why, { appId: app.id }));
    if (why) blocked.set(key, why);
    else blocked.delete(key);
  }
  return { placed, events, blocked, ...volumes.changes() };
}
