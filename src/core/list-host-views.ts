import type { GroupList } from '../api/group-view.js';
import type { HostList } from '../api/host-view.js';
import type { Host } from '../domain/host.js';
import { ZERO_RESOURCES } from '../domain/resources.js';
import { allocationsByHost } from './build-snapshot.js';
import type { CoreContext } from './core-context.js';
import { instanceSizer } from './instance-sizer.js';
import { toGroupView } from './views/to-group-view.js';
import { toHostView } from './views/to-host-view.js';

export async function listHostViews(ctx: CoreContext): Promise<HostList> {
  const { hosts, allocations } = await loadAllocations(ctx);
  return {
    hosts: hosts.map((h) => {
      const a = allocations.get(h.id);
      return toHostView(h, a?.allocated ?? ZERO_RESOURCES, a?.count ?? 0);
    }),
  };
}

export async function listGroupViews(ctx: CoreContext): Promise<GroupList> {
  const [{ hosts, allocations }, names] = await Promise.all([loadAllocations(ctx), ctx.store.listGroups()]);
  const allocated = new Map([...allocations].map(([id, a]) => [id, a.allocated]));
  return {
    groups: names.map((name) => toGroupView(name, hosts.filter((h) => h.group === name), allocated)),
  };
}

async function loadAllocations(ctx: CoreContext) {
  const [hosts, instances, volumes] = await Promise.all([ctx.store.listHosts(), ctx.store.listInstances({ live: true }), ctx.store.listVolumes()]);
  const sizeOf = await instanceSizer(ctx.store, ctx.releases, instances);
  const sorted: Host[] = [...hosts].sort((a, b) => a.group.localeCompare(b.group) || a.name.localeCompare(b.name));
  return { hosts: sorted, allocations: allocationsByHost(instances, sizeOf, volumes) };
}
