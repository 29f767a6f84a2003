import { type AgentCaller, LocalExec, LocalPruned } from '../../api/agent-local.js';
import type { BackupRun } from '../../domain/backup-run.js';
import type { Instance } from '../../domain/instance.js';
import type { BackupSpec } from '../../domain/task-spec.js';
import type { Volume } from '../../domain/volume.js';
import type { CoreContext } from '../core-context.js';
import { newId } from '../new-id.js';
import { event } from '../record-event.js';
import { backupVolume } from '../volume-operations.js';
import { callVolumeAgent, findVolume, type VolumeAddress, volumePath } from '../volume-target.js';
import { type DueBackup, planBackups } from './plan-backups.js';

const ACTOR = 'backup schedule';
/** A `before` hook (a database dump) may take this long. */
const HOOK_MS = 30 * 60_000;

export interface BackupSchedulerOptions {
  /** How often to look for due backups; a schedule is kept to within this. */
  intervalMs: number;
  onError: (error: unknown) => void;
}

/**
 * Runs the `[[backups]]` of every app: every `intervalMs` it asks `planBackups` which volumes are
 * due and, for each, has the volume's host write an archive (`bubo volume backup`, the same
 * consistent snapshot) and then delete all but the newest `keep`. Every run is a row (`bubo
 * backups APP`): `running` when it starts, then `ok` with the archive or `failed` with the
 * reason, which also becomes an event. Runs go on in the background, one per volume at a time;
 * a run cut short by a server restart stays `running` and is retried (planBackups).
 */
export class BackupScheduler {
  readonly #ctx: CoreContext;
  readonly #call: AgentCaller;
  readonly #options: BackupSchedulerOptions;
  readonly #inFlight = new Map<string, Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;

  constructor(ctx: CoreContext, call: AgentCaller, options: BackupSchedulerOptions) {
    this.#ctx = ctx;
    this.#call = call;
    this.#options = options;
  }

  start(): void {
    this.#timer = setInterval(() => void this.tick(), this.#options.intervalMs);
    this.#timer.unref();
  }

  /** Stops scheduling; runs in flight finish on the hosts (their rows are retried if left `running`). */
  stop(): void {
    clearInterval(this.#timer);
  }

  /** One look for due backups; starts them and returns without waiting for them. */
  async tick(): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      const due = await this.#due();
      for (const backup of due) {
        const id = backup.volume.id;
        const work = this.#run(backup)
          .catch((error: unknown) => this.#options.onError(error))
          .finally(() => this.#inFlight.delete(id));
        this.#inFlight.set(id, work);
      }
    } catch (error) {
      this.#options.onError(error);
    } finally {
      this.#ticking = false;
    }
  }

  /** Waits for the runs in flight (tests). */
  async settle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight.values()]);
  }

  async #due(): Promise<DueBackup[]> {
    const { store } = this.#ctx;
    const rules = new Map<string, readonly BackupSpec[]>();
    for (const app of await store.listApps()) {
      if (app.release === null || app.destroying) continue;
      const release = await this.#ctx.releases.get(store, app.id, app.release);
      if (release.spec.backups?.length) rules.set(app.id, release.spec.backups);
    }
    if (rules.size === 0) return [];
    const volumes = (await store.listVolumes()).filter((v) => rules.has(v.appId));
    const latest = await store.latestBackupRuns(volumes.map((v) => v.id));
    return planBackups({ rules, volumes, latest, inFlight: new Set(this.#inFlight.keys()), now: this.#ctx.now() });
  }

  async #run({ volume, rule }: DueBackup): Promise<void> {
    const { store } = this.#ctx;
    let occupant: Instance | undefined;
    if (rule.before) {
      occupant = (await findVolume(this.#ctx, addressOf(volume))).occupant;
      // Starting or stopping (a deploy in place): wait for the instance that will run, so the
      // archive has its dump, rather than archive the data without one. Looked at again next tick.
      if (occupant && occupant.state !== 'running') return;
    }
    const run: BackupRun = {
      id: newId('backup'),
      appId: volume.appId,
      volumeId: volume.id,
      startedAt: this.#ctx.now(),
      finishedAt: null,
      status: 'running',
      archive: null,
      sha256: null,
      bytes: null,
      error: null,
      pruned: false,
    };
    await store.putBackupRun(run);
    const at = addressOf(volume);
    let made: { archive: string; sha256: string; bytes: number };
    try {
      if (rule.before && occupant) await this.#before(volume, occupant, rule.before);
      made = await backupVolume(this.#ctx, { ...at, to: rule.to, actor: ACTOR }, this.#call);
    } catch (error) {
      const message = (error as Error).message;
      await store.putBackupRun({ ...run, finishedAt: this.#ctx.now(), status: 'failed', error: message });
      await store.appendEvents([
        event(this.#ctx.now(), ACTOR, 'volume.backup_failed', `volume ${volume.id}: scheduled backup to ${rule.to} failed: ${message}`, { appId: volume.appId, hostId: volume.hostId }),
      ]);
      return;
    }
    await store.putBackupRun({ ...run, finishedAt: this.#ctx.now(), status: 'ok', archive: made.archive, sha256: made.sha256, bytes: made.bytes });
    await this.#prune(volume, rule);
  }

  /**
   * The `before` hook, in the slot's running instance (its first container): a dump into the
   * volume, say, so the snapshot carries it. A stopped slot's data is at rest: nothing to run.
   */
  async #before(volume: Volume, occupant: Instance, argv: string[]): Promise<void> {
    const { host } = await findVolume(this.#ctx, addressOf(volume));
    const answer = LocalExec.parse(
      await callVolumeAgent(this.#call, host, volume, {
        method: 'POST',
        path: `/v1/local/instances/${encodeURIComponent(occupant.id)}/exec`,
        body: { argv, timeout_ms: HOOK_MS },
        timeoutMs: HOOK_MS + 30_000,
      }),
    );
    if (answer.exit_code !== 0) {
      const output = answer.output.trim().split('\n').slice(-5).join(' / ');
      throw new Error(`the before command ${JSON.stringify(argv.join(' '))} exited ${answer.exit_code} in instance ${occupant.id}${output ? `: ${output}` : ''}; no backup taken`);
    }
  }

  /** Retention after a good run: the host deletes all but the newest `keep`; their rows are marked. */
  async #prune(volume: Volume, rule: BackupSpec): Promise<void> {
    const { store } = this.#ctx;
    try {
      const { host } = await findVolume(this.#ctx, addressOf(volume));
      const answer = LocalPruned.parse(await callVolumeAgent(this.#call, host, volume, { method: 'POST', path: volumePath(volume, '/prune'), body: { to: rule.to, keep: rule.keep } }));
      if (answer.removed.length === 0) return;
      const removed = new Set(answer.removed);
      const runs = await store.listBackupRuns({ volumeIds: [volume.id] });
      await store.markBackupRunsPruned(runs.filter((r) => r.archive !== null && removed.has(r.archive)).map((r) => r.id));
    } catch (error) {
      await store.appendEvents([
        event(this.#ctx.now(), ACTOR, 'volume.backup_failed', `volume ${volume.id}: old backups in ${rule.to} could not be deleted (keep ${rule.keep}): ${(error as Error).message}`, {
          appId: volume.appId,
          hostId: volume.hostId,
        }),
      ]);
    }
  }
}

function addressOf(volume: Volume): VolumeAddress {
  const slash = volume.appId.indexOf('/');
  return { namespace: volume.appId.slice(0, slash), app: volume.appId.slice(slash + 1), name: volume.name, slot: volume.slot };
}
