import type { App } from '../domain/app.js';
import { fromBoolColumn, toBoolColumn } from './bool-column.js';
import type { AppRow, AppTable } from './database-schema.js';
import { fromNullableNumberColumn, fromNumberColumn as num } from './number-column.js';
import type { AppPatch } from './store.js';

export function appToRow(app: App): AppRow {
  return {
    id: app.id,
    namespace: app.namespace,
    name: app.name,
    group_name: app.group,
    count: app.count,
    stopped: toBoolColumn(app.stopped),
    destroying: toBoolColumn(app.destroying),
    release: app.release,
    over_provision: toBoolColumn(app.overProvision),
    created_at: app.createdAt,
    updated_at: app.updatedAt,
  };
}

export function rowToApp(row: AppRow): App {
  return {
    id: row.id,
    namespace: row.namespace,
    name: row.name,
    group: row.group_name,
    count: num(row.count),
    stopped: fromBoolColumn(row.stopped),
    destroying: fromBoolColumn(row.destroying),
    release: fromNullableNumberColumn(row.release),
    overProvision: fromBoolColumn(row.over_provision),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
}

/** Only the fields present in the patch become columns; `release: null` is a real value. */
export function appPatchToRow(patch: AppPatch): Partial<AppTable> {
  const row: Partial<AppTable> = {};
  if (patch.group !== undefined) row.group_name = patch.group;
  if (patch.count !== undefined) row.count = patch.count;
  if (patch.stopped !== undefined) row.stopped = toBoolColumn(patch.stopped);
  if (patch.destroying !== undefined) row.destroying = toBoolColumn(patch.destroying);
  if (patch.release !== undefined) row.release = patch.release;
  if (patch.overProvision !== undefined) row.over_provision = toBoolColumn(patch.overProvision);
  if (patch.updatedAt !== undefined) row.updated_at = patch.updatedAt;
  return row;
}
