/**
 * One scheduled backup of one volume (`[[backups]]`): when it started and ended, and what it
 * wrote on the volume's host, or why it failed. Kept for `bubo backups APP`; a run's archive may
 * since have been deleted by retention (`pruned`).
 */
export interface BackupRun {
  id: string;
  appId: string;
  volumeId: string;
  startedAt: number;
  /** null while it runs. */
  finishedAt: number | null;
  status: 'running' | 'ok' | 'failed';
  /** Path of the archive on the volume's host (`<to>/<volume id>-<UTC time>.tar.gz`). */
  archive: string | null;
  sha256: string | null;
  bytes: number | null;
  /** Why it failed, as the agent or the server said. */
  error: string | null;
  /** Retention deleted the archive (the newest `keep` of the volume stay). */
  pruned: boolean;
}
