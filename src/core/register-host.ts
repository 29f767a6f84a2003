import type { RegisterResponse } from '../api/agent-protocol.js';
import type { Host } from '../domain/host.js';
import { cpusToMillicpus } from '../domain/resources.js';
import type { HostRuntime } from '../domain/runtime-kind.js';
import { pickHostSubnet } from './pick-host-subnet.js';
import type { CoreContext } from './core-context.js';
import { newId } from './new-id.js';
import { markPeersChanged } from './mark-peers-changed.js';
import { event } from './record-event.js';

export interface RegisterInput {
  name: string;
  group: string;
  address: string;
  capacity: { cpus: number; memory_mib: number; disk_mib: number };
  runtimes: HostRuntime[];
  labels: Record<string, string>;
  roles: string[];
  agent_url?: string | undefined;
}

/**
 * Registers a host, or refreshes the facts of one that registered before under the same name
 * (an agent restart keeps the host's id and subnet, so its instances stay where they are).
 */
export async function registerHost(ctx: CoreContext, input: RegisterInput): Promise<RegisterResponse> {
  // Agents route by every host's address and subnet (the catalog's host list): a new host or a
  // moved address changes that list.
  let peersChanged = false;
  let isNew = false;
  const host = await ctx.store.transaction(async (tx) => {
    const now = ctx.now();
    const capacity = {
      millicpus: cpusToMillicpus(input.capacity.cpus),
      memoryMib: input.capacity.memory_mib,
      diskMib: input.capacity.disk_mib,
    };
    const existing = await tx.getHostByName(input.name);
    await tx.ensureGroup(input.group, now);
    if (existing) {
      await tx.updateHost(existing.id, {
        group: input.group,
        address: input.address,
        capacity,
        runtimes: input.runtimes,
        labels: input.labels,
        roles: input.roles,
        status: 'ready',
        lastHeartbeatAt: now,
        // An agent that no longer announces a listener must not keep a stale one.
        agentUrl: input.agent_url ?? '',
      });
      if (existing.address !== input.address) {
        await markPeersChanged(tx);
        peersChanged = true;
      }
      const moved = existing.group !== input.group ? ` (moved from group ${existing.group})` : '';
      await tx.appendEvents([
        event(now, `host:${input.name}`, 'host.reregistered', `host ${input.name} registered again${moved}`, {
          hostId: existing.id,
        }),
      ]);
      return { ...existing, group: input.group };
    }
    const created: Host = {
      id: newId('host'),
      name: input.name,
      group: input.group,
      address: input.address,
      subnet: await pickHostSubnet(tx, ctx.options.clusterCidr),
      capacity,
      runtimes: input.runtimes,
      labels: input.labels,
      roles: input.roles,
      cordoned: false,
      status: 'ready',
      registeredAt: now,
      lastHeartbeatAt: now,
      ...(input.agent_url ? { agentUrl: input.agent_url } : {}),
    };
    await tx.upsertHost(created);
    await markPeersChanged(tx);
    peersChanged = true;
    isNew = true;
    const runtimes = input.runtimes.filter((r) => r.available).map((r) => r.name).join(', ') || 'none';
    await tx.appendEvents([
      event(now, `host:${input.name}`, 'host.registered', `host ${input.name} joined group ${input.group} (runtimes: ${runtimes})`, {
        hostId: created.id,
        data: { subnet: created.subnet, address: input.address },
      }),
    ]);
    return created;
  });
  if (peersChanged) ctx.announcePeers();
  // A host that registers again may hold instances the server thinks silent: reconcile now. A
  // new one only adds capacity, which matters now only to instances waiting for a place.
  if (isNew) ctx.wakeIfBlocked();
  else ctx.wake();
  return {
    host_id: host.id,
    subnet: host.subnet,
    cluster_cidr: ctx.options.clusterCidr,
    heartbeat_interval_ms: ctx.options.heartbeatIntervalMs,
  };
}
