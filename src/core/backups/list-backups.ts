import type { BackupRunView } from '../../api/volume-view.js';
import type { BackupSpec } from '../../domain/task-spec.js';
import type { CoreContext } from '../core-context.js';
import { findApp } from '../find-app.js';

/** `bubo backups APP`: the schedule of the app's current release and its runs (at most 200, newest first). */
export async function listBackups(ctx: CoreContext, at: { namespace: string; app: string }): Promise<{ schedule: BackupSpec[]; runs: BackupRunView[] }> {
  const app = await findApp(ctx.store, at.namespace, at.app);
  const schedule = app.release === null ? [] : ((await ctx.releases.get(ctx.store, app.id, app.release)).spec.backups ?? []);
  const [runs, volumes] = await Promise.all([ctx.store.listBackupRuns({ appId: app.id, limit: 200 }), ctx.store.listVolumes({ appId: app.id })]);
  const slots = new Map(volumes.map((v) => [v.id, v.slot]));
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    schedule,
    runs: runs.map((r) => ({
      id: r.id,
      volume: r.volumeId,
      slot: slots.get(r.volumeId) ?? null,
      started_at: iso(r.startedAt),
      finished_at: r.finishedAt === null ? null : iso(r.finishedAt),
      status: r.status,
      archive: r.archive,
      sha256: r.sha256,
      bytes: r.bytes,
      error: r.error,
      pruned: r.pruned,
    })),
  };
}
