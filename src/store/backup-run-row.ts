import type { BackupRun } from '../domain/backup-run.js';
import { fromBoolColumn, toBoolColumn } from './bool-column.js';
import type { BackupRunRow } from './database-schema.js';
import { fromNullableNumberColumn as nnum, fromNumberColumn as num } from './number-column.js';

export function backupRunToRow(r: BackupRun): BackupRunRow {
  return {
    id: r.id,
    app_id: r.appId,
    volume_id: r.volumeId,
    started_at: r.startedAt,
    finished_at: r.finishedAt,
    status: r.status,
    archive: r.archive,
    sha256: r.sha256,
    bytes: r.bytes,
    error: r.error,
    pruned: toBoolColumn(r.pruned),
  };
}

export function rowToBackupRun(row: BackupRunRow): BackupRun {
  return {
    id: row.id,
    appId: row.app_id,
    volumeId: row.volume_id,
    startedAt: num(row.started_at),
    finishedAt: nnum(row.finished_at),
    status: row.status as BackupRun['status'],
    archive: row.archive,
    sha256: row.sha256,
    bytes: nnum(row.bytes),
    error: row.error,
    pruned: fromBoolColumn(row.pruned),
  };
}
