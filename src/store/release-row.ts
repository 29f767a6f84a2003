import type { Release } from '../domain/app.js';
import type { SecretRef, TaskSpec } from '../domain/task-spec.js';
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
    secret_versions: toJsonColumn(release.secretVersions),
    created_at: release.createdAt,
  };
}

export function rowToRelease(row: ReleaseRow): Release {
  return {
    appId: row.app_id,
    version: num(row.version),
    spec: withCurrentDefaults(fromJsonColumn<TaskSpec>(row.spec)),
    warnings: fromJsonColumn<string[]>(row.warnings),
    digests: fromJsonColumn<Record<string, string>>(row.digests),
    secretVersions: fromJsonColumn<Record<string, number>>(row.secret_versions),
    createdAt: num(row.created_at),
  };
}

/**
 * Specs are stored as they were normalised when deployed; fields added to the task file since
 * then get the defaults a task file without them gets today, so old releases read complete.
 */
function withCurrentDefaults(spec: TaskSpec): TaskSpec {
  // Secrets were bare names before they could be files.
  const containers = spec.containers.map((container) => ({
    ...container,
    secrets: (container.secrets as (SecretRef | string)[]).map((ref) => (typeof ref === 'string' ? { name: ref, file: null } : ref)),
  }));
  if (!spec.deploy) return { ...spec, containers };
  const stored: Partial<TaskSpec['deploy']> = spec.deploy;
  return { ...spec, containers, deploy: { ...spec.deploy, drain_delay_ms: stored.drain_delay_ms ?? 2_000, switch_grace_ms: stored.switch_grace_ms ?? 30_000 } };
}
