import { z } from 'zod';
import { parseBackupTarget } from '../domain/backup-target.js';

const label = z.string().regex(/^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lowercase letters, digits and "-", starting with a letter');
const snapshotName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a snapshot name is letters, digits, ".", "_" and "-" (at most 64), starting with a letter or digit');

export const VolumeParams = z.strictObject({ namespace: label, app: label, name: label, slot: z.coerce.number().int().min(0).max(9999) });
export const VolumeListQuery = z.strictObject({ namespace: label.optional(), app: label.optional() });

export const VolumeView = z.object({
  id: z.string(),
  namespace: z.string(),
  app: z.string(),
  name: z.string(),
  slot: z.number().int(),
  host: z.string(),
  size_mib: z.number(),
  /** Null when the host could not be asked (down, unreachable) or has not created it yet. */
  used_mib: z.number().nullable(),
  /** The instance of the slot that has not stopped yet, if any. */
  instance: z.object({ id: z.string(), state: z.string() }).nullable(),
  created_at: z.string(),
});
export type VolumeView = z.input<typeof VolumeView>;
export const VolumeList = z.object({ volumes: z.array(VolumeView) });

export const VolumeRemoved = z.object({ id: z.string(), host: z.string() });
export const SnapshotRequest = z.strictObject({ name: snapshotName.optional() });
export const SnapshotView = z.object({ volume: z.string(), name: z.string() });
export const SnapshotList = z.object({ volume: z.string(), snapshots: z.array(z.string()) });
export const RestoreRequest = z
  .strictObject({
    snapshot: snapshotName.optional(),
    /** An archive made by `bubo volume backup`, a path on the volume's host. */
    archive: z.string().min(1).max(4096).optional(),
  })
  .refine((r) => (r.snapshot === undefined) !== (r.archive === undefined), 'give exactly one of "snapshot" and "archive"');
export const RestoreDone = z.object({ volume: z.string(), from: z.string() });
export const BackupRequest = z.strictObject({
  /** A directory on the volume's host (absolute), or sftp://[user@]host[:port]/dir the host reaches. */
  to: z
    .string()
    .min(1)
    .max(4096)
    .superRefine((to, ctx) => {
      try {
        parseBackupTarget(to);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
});
export const BackupView = z.object({ volume: z.string(), host: z.string(), archive: z.string(), sha256: z.string(), bytes: z.number() });

/** One scheduled backup run (`bubo backups APP`). */
export const BackupRunView = z.object({
  id: z.string(),
  volume: z.string(),
  slot: z.number().int().nullable(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  status: z.enum(['running', 'ok', 'failed']),
  archive: z.string().nullable(),
  sha256: z.string().nullable(),
  bytes: z.number().nullable(),
  error: z.string().nullable(),
  /** Retention deleted the archive. */
  pruned: z.boolean(),
});
export type BackupRunView = z.input<typeof BackupRunView>;
/** The app's `[[backups]]` schedule (current release) and its runs, newest first. */
export const BackupRunList = z.object({
  schedule: z.array(z.object({ volume: z.string(), every_ms: z.number(), keep: z.number(), to: z.string(), before: z.array(z.string()).optional() })),
  runs: z.array(BackupRunView),
});
