import type { Host } from '../../domain/host.js';
import { isServing, isTerminal } from '../../domain/instance.js';
import type { MaintainSpec } from '../../domain/operation.js';
import { subtractResources, ZERO_RESOURCES } from '../../domain/resources.js';
import { NotFoundError } from '../../errors/not-found-error.js';
import { InvalidRequestError } from '../../errors/invalid-request-error.js';
import type { MaintenanceApp, MaintenancePlanInput } from '../../operations/plan-maintenance.js';
import { rolloutLimits } from '../../reconciler/rollout-limits.js';
import { allocationsByHost } from '../build-snapshot.js';
import type { CoreContext } from '../core-context.js';
import { instanceSizer } from '../instance-sizer.js';
import { specResources } from '../spec-resources.js';

export interface GatheredMaintenance {
  input: MaintenancePlanInput;
  /** Every host of the group, by id (names for views). */
  hosts: Map<string, Host>;
  /** Serving instances per app of the group now: what `settle` waits for again. */
  baseline: Record<string, number>;
}

/**
 * What the planner needs, read from the store: the group's hosts with their free capacity, the
 * targets (`--hosts`, else every host of the group with the `--label`s), and every app with an
 * instance in the group, with its minimum and whether volumes pin it.
 * @throws {NotFoundError} for an unknown group; {InvalidRequestError} for a named host outside it.
 */
export async function gatherMaintenanceInput(ctx: CoreContext, spec: MaintainSpec): Promise<GatheredMaintenance> {
  const { store } = ctx;
  const [allHosts, instances, volumes, apps, groups] = await Promise.all([
    store.listHosts(),
    store.listInstances({ live: true }),
    store.listVolumes(),
    store.listApps(),
    store.listGroups(),
  ]);
  if (!groups.includes(spec.group)) throw new NotFoundError('group', spec.group, `groups: ${groups.join(', ') || 'none yet'}`);
  const groupHosts = allHosts.filter((h) => h.group === spec.group).sort((a, b) => a.name.localeCompare(b.name));
  const byName = new Map(allHosts.map((h) => [h.name, h]));
  let targets: Host[];
  if (spec.hosts.length > 0) {
    targets = spec.hosts.map((name) => {
      const host = byName.get(name);
      if (!host) throw new InvalidRequestError(`host "${name}" is not registered (see "bubo hosts")`, [{ path: 'hosts', message: `unknown host ${name}` }]);
      if (host.group !== spec.group) throw new InvalidRequestError(`host "${name}" is in group ${host.group}, not ${spec.group}`, [{ path: 'hosts', message: `${name} is not in group ${spec.group}` }]);
      return host;
    });
  } else {
    targets = groupHosts.filter((h) => Object.entries(spec.labels).every(([k, v]) => h.labels[k] === v));
  }
  if (targets.length === 0) {
    throw new InvalidRequestError(
      `no host of group ${spec.group} matches${Object.keys(spec.labels).length ? ` the labels ${Object.entries(spec.labels).map(([k, v]) => `${k}=${v}`).join(', ')}` : ''}`,
      [{ path: 'hosts', message: 'no host to maintain' }],
    );
  }

  const groupIds = new Set(groupHosts.map((h) => h.id));
  const sizeOf = await instanceSizer(store, ctx.releases, instances);
  const allocations = allocationsByHost(instances, sizeOf, volumes);
  const inGroup = instances.filter((i) => groupIds.has(i.hostId) && i.desired === 'run' && !isTerminal(i.state));
  const appIds = [...new Set(inGroup.map((i) => i.appId))].sort();
  const maintenanceApps: MaintenanceApp[] = [];
  const baseline: Record<string, number> = {};
  for (const appId of appIds) {
    const app = apps.find((a) => a.id === appId);
    if (!app || app.release === null) continue;
    const release = await ctx.releases.get(store, appId, app.release).catch(() => undefined);
    if (!release) continue;
    const spec = release.spec;
    const count = app.stopped || app.destroying ? 0 : app.count;
    const own = inGroup.filter((i) => i.appId === appId);
    const pinned = spec.volumes.length > 0;
    const limits = rolloutLimits(spec.deploy, count);
    const maxUnavailable = pinned ? Math.max(1, limits.maxUnavailable) : limits.maxUnavailable;
    const minServing = Math.max(0, Math.min(count, spec.availability?.min_serving ?? count - maxUnavailable));
    baseline[appId] = own.filter(isServing).length;
    maintenanceApps.push({
      appId,
      count,
      minServing,
      pinned,
      resources: specResources(spec),
      runtime: spec.runtime,
      instances: own.map((i) => ({ hostId: i.hostId, slot: i.slot, serving: isServing(i) })),
    });
  }
  return {
    input: {
      groupHosts: groupHosts.map((h) => ({
        id: h.id,
        name: h.name,
        ready: h.status === 'ready',
        cordoned: h.cordoned,
        free: subtractResources(h.capacity, allocations.get(h.id)?.allocated ?? ZERO_RESOURCES),
        runtimes: [...new Set(h.runtimes.filter((r) => r.available).map((r) => r.kind))],
      })),
      targets: targets.map((h) => h.id),
      batch: spec.batch,
      apps: maintenanceApps,
    },
    hosts: new Map(groupHosts.map((h) => [h.id, h])),
    baseline,
  };
}
