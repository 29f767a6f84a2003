import type { Deployment, DeploymentKind, DeploymentStatus } from '../domain/deployment.js';
import type { DeploymentRow, DeploymentTable } from './database-schema.js';
import { fromNullableNumberColumn, fromNumberColumn as num } from './number-column.js';
import type { DeploymentPatch } from './store.js';

export function deploymentToRow(deployment: Deployment): DeploymentRow {
  return {
    id: deployment.id,
    app_id: deployment.appId,
    from_release: deployment.fromRelease,
    to_release: deployment.toRelease,
    status: deployment.status,
    message: deployment.message,
    created_at: deployment.createdAt,
    updated_at: deployment.updatedAt,
    switched_at: deployment.switchedAt,
    from_count: deployment.fromCount,
    kind: deployment.kind,
  };
}

export function rowToDeployment(row: DeploymentRow): Deployment {
  return {
    id: row.id,
    appId: row.app_id,
    fromRelease: fromNullableNumberColumn(row.from_release),
    toRelease: num(row.to_release),
    status: row.status as DeploymentStatus,
    message: row.message,
    switchedAt: fromNullableNumberColumn(row.switched_at),
    fromCount: fromNullableNumberColumn(row.from_count),
    kind: row.kind as DeploymentKind,
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
}

export function deploymentPatchToRow(patch: DeploymentPatch): Partial<DeploymentTable> {
  const row: Partial<DeploymentTable> = {};
  if (patch.status !== undefined) row.status = patch.status;
  if (patch.message !== undefined) row.message = patch.message;
  if (patch.updatedAt !== undefined) row.updated_at = patch.updatedAt;
  if (patch.switchedAt !== undefined) row.switched_at = patch.switchedAt;
  return row;
}
