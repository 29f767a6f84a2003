import { describe, expect, it } from 'vitest';
import type { BackupRun } from '../../domain/backup-run.js';
import type { BackupSpec } from '../../domain/task-spec.js';
import type { Volume } from '../../domain/volume.js';
import { BACKUP_RETRY_MS, planBackups } from './plan-backups.js';

const HOUR = 3_600_000;
const NOW = 100 * HOUR;
const volume = (app: string, name: string, slot = 0): Volume => ({ id: `default.${app}.${name}.${slot}`, appId: `default/${app}`, name, slot, hostId: 'h1', sizeMib: 64, createdAt: 0 });
const rule = (over: Partial<BackupSpec> = {}): BackupSpec => ({ volume: 'data', every_ms: 24 * HOUR, keep: 7, to: '/srv/backups', ...over });
const run = (volumeId: string, startedAt: number, status: BackupRun['status']): BackupRun => ({
  id: `r-${startedAt}`,
  appId: 'default/pg',
  volumeId,
  startedAt,
  finishedAt: status === 'running' ? null : startedAt + 1000,
  status,
  archive: null,
  sha256: null,
  bytes: null,
  error: null,
  pruned: false,
});

describe('planBackups', () => {
  const pg0 = volume('pg', 'data', 0);
  const pg1 = volume('pg', 'data', 1);
  const rules = new Map([['default/pg', [rule()]]]);

  it.each<[string, BackupRun | undefined, boolean]>([
    ['never backed up', undefined, true],
    ['backed up 23 h ago', run(pg0.id, NOW - 23 * HOUR, 'ok'), false],
    ['backed up exactly 24 h ago', run(pg0.id, NOW - 24 * HOUR, 'ok'), true],
    ['failed 4 min ago: not yet', run(pg0.id, NOW - 4 * 60_000, 'failed'), false],
    ['failed 5 min ago: retried, not a day later', run(pg0.id, NOW - BACKUP_RETRY_MS, 'failed'), true],
    ['left running by a server that restarted 6 min ago', run(pg0.id, NOW - 6 * 60_000, 'running'), true],
  ])('%s → due %s', (_name, last, expected) => {
    const latest = new Map(last ? [[pg0.id, last]] : []);
    expect(planBackups({ rules, volumes: [pg0], latest, inFlight: new Set(), now: NOW }).length > 0).toBe(expected);
  });

  it('schedules each slot of the app on its own, and nothing for a volume its backups do not name or an app without them', () => {
    const latest = new Map([[pg0.id, run(pg0.id, NOW - HOUR, 'ok')]]);
    const volumes = [pg0, pg1, volume('pg', 'wal'), volume('redis', 'data')];
    expect(planBackups({ rules, volumes, latest, inFlight: new Set(), now: NOW })).toEqual([{ volume: pg1, rule: rule() }]);
  });

  it('never starts a second run of a volume this server is backing up', () => {
    expect(planBackups({ rules, volumes: [pg0], latest: new Map(), inFlight: new Set([pg0.id]), now: NOW })).toEqual([]);
  });

  it('retries a failure at a schedule shorter than the retry delay', () => {
    const short = new Map([['default/pg', [rule({ every_ms: 60_000 })]]]);
    const latest = new Map([[pg0.id, run(pg0.id, NOW - 60_000, 'failed')]]);
    expect(planBackups({ rules: short, volumes: [pg0], latest, inFlight: new Set(), now: NOW })).toHaveLength(1);
  });
});
