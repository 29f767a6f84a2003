import type { Instance, InstanceDesired, InstanceHealth, InstanceState } from '../domain/instance.js';
import type { InstanceRow, InstanceTable } from './database-schema.js';
import { fromNumberColumn as num } from './number-column.js';
import type { InstancePatch } from './store.js';

export function instanceToRow(instance: Instance): InstanceRow {
  return {
    id: instance.id,
    app_id: instance.appId,
    release: instance.release,
    host_id: instance.hostId,
    slot: instance.slot,
    desired: instance.desired,
    state: instance.state,
    address: instance.address,
    message: instance.message,
    created_at: instance.createdAt,
    updated_at: instance.updatedAt,
    health: instance.health,
    health_message: instance.healthMessage,
    moving: instance.moving ? 1 : 0,
  };
}

/**
 * The values of `instanceToRow`, in its key order, appended to `out` without building an object:
 * the bulk insert path binds them to SQL compiled once. `insertInstances` checks the two agree.
 */
export function pushInstanceParameters(instance: Instance, out: unknown[]): void {
  out.push(instance.id, instance.appId, instance.release, instance.hostId, instance.slot, instance.desired, instance.state, instance.address, instance.message, instance.createdAt, instance.updatedAt, instance.health, instance.healthMessage, instance.moving ? 1 : 0);
}

export function rowToInstance(row: InstanceRow): Instance {
  return {
    id: row.id,
    appId: row.app_id,
    release: num(row.release),
    hostId: row.host_id,
    slot: num(row.slot),
    desired: row.desired as InstanceDesired,
    state: row.state as InstanceState,
    address: row.address,
    message: row.message,
    health: row.health as InstanceHealth,
    healthMessage: row.health_message,
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
    ...(num(row.moving) === 1 ? { moving: true } : {}),
  };
}

/** Only the fields present in the patch become columns; `address: null` is a real value. */
export function instancePatchToRow(patch: InstancePatch): Partial<InstanceTable> {
  const row: Partial<InstanceTable> = {};
  if (patch.desired !== undefined) row.desired = patch.desired;
  if (patch.state !== undefined) row.state = patch.state;
  if (patch.address !== undefined) row.address = patch.address;
  if (patch.message !== undefined) row.message = patch.message;
  if (patch.updatedAt !== undefined) row.updated_at = patch.updatedAt;
  if (patch.health !== undefined) row.health = patch.health;
  if (patch.healthMessage !== undefined) row.health_message = patch.healthMessage;
  if (patch.moving !== undefined) row.moving = patch.moving ? 1 : 0;
  return row;
}
