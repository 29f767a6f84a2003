import type { Host, HostStatus } from '../domain/host.js';
import type { HostRuntime } from '../domain/runtime-kind.js';
import { fromBoolColumn, toBoolColumn } from './bool-column.js';
import type { HostRow, HostTable } from './database-schema.js';
import { fromJsonColumn, toJsonColumn } from './json-column.js';
import { fromNumberColumn as num } from './number-column.js';
import type { HostPatch } from './store.js';

export function hostToRow(host: Host): HostRow {
  return {
    id: host.id,
    name: host.name,
    group_name: host.group,
    address: host.address,
    subnet: host.subnet,
    capacity_millicpus: host.capacity.millicpus,
    capacity_memory_mib: host.capacity.memoryMib,
    capacity_disk_mib: host.capacity.diskMib,
    runtimes: toJsonColumn(host.runtimes),
    labels: toJsonColumn(host.labels),
    roles: toJsonColumn(host.roles),
    cordoned: toBoolColumn(host.cordoned),
    draining: toBoolColumn(host.draining ?? false),
    status: host.status,
    registered_at: host.registeredAt,
    last_heartbeat_at: host.lastHeartbeatAt,
    agent_url: host.agentUrl ?? null,
  };
}

export function rowToHost(row: HostRow): Host {
  return {
    id: row.id,
    name: row.name,
    group: row.group_name,
    address: row.address,
    subnet: row.subnet,
    capacity: { millicpus: num(row.capacity_millicpus), memoryMib: num(row.capacity_memory_mib), diskMib: num(row.capacity_disk_mib) },
    runtimes: fromJsonColumn<HostRuntime[]>(row.runtimes),
    labels: fromJsonColumn<Record<string, string>>(row.labels),
    roles: fromJsonColumn<string[]>(row.roles),
    cordoned: fromBoolColumn(row.cordoned),
    ...(fromBoolColumn(row.draining) ? { draining: true } : {}),
    status: row.status as HostStatus,
    registeredAt: num(row.registered_at),
    lastHeartbeatAt: num(row.last_heartbeat_at),
    ...(row.agent_url ? { agentUrl: row.agent_url } : {}),
  };
}

/** Only the fields present in the patch become columns, so an update touches nothing else. */
export function hostPatchToRow(patch: HostPatch): Partial<HostTable> {
  const row: Partial<HostTable> = {};
  if (patch.cordoned !== undefined) row.cordoned = toBoolColumn(patch.cordoned);
  if (patch.draining !== undefined) row.draining = toBoolColumn(patch.draining);
  if (patch.status !== undefined) row.status = patch.status;
  if (patch.lastHeartbeatAt !== undefined) row.last_heartbeat_at = patch.lastHeartbeatAt;
  if (patch.address !== undefined) row.address = patch.address;
  if (patch.capacity !== undefined) {
    row.capacity_millicpus = patch.capacity.millicpus;
    row.capacity_memory_mib = patch.capacity.memoryMib;
    row.capacity_disk_mib = patch.capacity.diskMib;
  }
  if (patch.runtimes !== undefined) row.runtimes = toJsonColumn(patch.runtimes);
  if (patch.labels !== undefined) row.labels = toJsonColumn(patch.labels);
  if (patch.roles !== undefined) row.roles = toJsonColumn(patch.roles);
  if (patch.group !== undefined) row.group_name = patch.group;
  if (patch.agentUrl !== undefined) row.agent_url = patch.agentUrl || null;
  return row;
}
