import type { Volume } from '../domain/volume.js';
import type { VolumeRow } from './database-schema.js';
import { fromNumberColumn as num } from './number-column.js';

export function volumeToRow(v: Volume): VolumeRow {
  return { id: v.id, app_id: v.appId, name: v.name, slot: v.slot, host_id: v.hostId, size_mib: v.sizeMib, created_at: v.createdAt };
}

export function rowToVolume(row: VolumeRow): Volume {
  return { id: row.id, appId: row.app_id, name: row.name, slot: num(row.slot), hostId: row.host_id, sizeMib: num(row.size_mib), createdAt: num(row.created_at) };
}
