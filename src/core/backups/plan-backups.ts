import type { BackupRun } from '../../domain/backup-run.js';
import type { BackupSpec } from '../../domain/task-spec.js';
import type { Volume } from '../../domain/volume.js';

/** A failed (or interrupted) backup is tried again this soon, or at its schedule if that is sooner. */
export const BACKUP_RETRY_MS = 5 * 60_000;

export interface BackupPlanInput {
  /** The `[[backups]]` of each app's current release, by app id. */
  rules: ReadonlyMap<string, readonly BackupSpec[]>;
  volumes: readonly Volume[];
  /** The newest run of each volume that has one. */
  latest: ReadonlyMap<string, BackupRun>;
  /** Volumes with a run in progress in this server. */
  inFlight: ReadonlySet<string>;
  now: number;
}

export interface DueBackup {
  volume: Volume;
  rule: BackupSpec;
}

/**
 * Which volumes are due a scheduled backup now. Pure. A volume is due when its app's current
 * release has a `[[backups]]` entry for its name and it never ran, or `every` has passed since
 * the last run started; after a failure, a retry comes after `BACKUP_RETRY_MS` (or sooner, at a
 * shorter `every`), so one bad night does not cost a whole day of backups. A run still marked
 * `running` that this server is not doing was cut short (a server restart): it counts as failed.
 */
export function planBackups(input: BackupPlanInput): DueBackup[] {
  const due: DueBackup[] = [];
  for (const volume of input.volumes) {
    const rule = input.rules.get(volume.appId)?.find((r) => r.volume === volume.name);
    if (!rule || input.inFlight.has(volume.id)) continue;
    const last = input.latest.get(volume.id);
    if (!last) {
      due.push({ volume, rule });
      continue;
    }
    const wait = last.status === 'ok' ? rule.every_ms : Math.min(rule.every_ms, BACKUP_RETRY_MS);
    if (input.now - last.startedAt >= wait) due.push({ volume, rule });
  }
  return due;
}
