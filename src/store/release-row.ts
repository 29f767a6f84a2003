import type { Release } from '../domain/app.js';
import type { TaskSpec } from '../taskfile/task-spec.js';
import type { ReleaseRow } from './database-schema.js';
import { fromJsonColumn, toJsonColumn } from './json-column.js';
import { fromNumberColumn as num } from './number-column.js';

export function releaseToRow(release: Release): ReleaseRow {
  return {
    app_id: release.appId,
    version: release.version,
    spec: toJsonColumn(release.spec),
    warnings: toJsonColumn(release.warnings),
    digests: toJsonColumn(release.digests),
    created_at: release.createdAt,
  };
}

export function rowToRelease(row: ReleaseRow): Release {
  return {
    appId: row.app_id,
    version: num(row.version),
    spec: fromJsonColumn<TaskSpec>(row.spec),
    warnings: fromJsonColumn<string[]>(row.warnings),
    digests: fromJsonColumn<Record<string, string>>(row.digests),
    createdAt: num(row.created_at),
  };
}
