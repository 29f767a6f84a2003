import { describe, expect, it } from 'vitest';
import type { Instance } from '../domain/instance.js';
import { testDeploy, testInstance } from '../../test/support/test-instance.js';
import { reconcile } from './reconcile.js';
import type { ReconcileApp, ReconcileInput } from './reconcile-input.js';

const NOW = 1_000_000;

function input(instances: Instance[], app: Partial<ReconcileApp> = {}, hosts: ReconcileInput['hosts'] = []): ReconcileInput {
  return {
    now: NOW,
    hostTtlMs: 30_000,
    apps: [{ appId: 'default/pg', release: 2, count: 2, deploy: testDeploy(), inPlace: true, ...app }],
    instances,
    hosts: [{ id: 'h1', status: 'ready', lastHeartbeatAt: NOW }, ...hosts],
  };
}
const pg = (id: string, overrides: Partial<Instance> = {}) => testInstance(id, { appId: 'default/pg', ...overrides });
const stopped = (plan: { stop: { instanceId: string }[] }) => plan.stop.map((s) => s.instanceId);
const slots = (plan: { place: { slot: number }[] }) => plan.place.map((p) => p.slot);

describe('reconcile: apps with volumes replace each instance in place', () => {
  it('stops an old instance first and places its successor only once it has stopped: never two on one volume', () => {
    const old = [pg('o0', { slot: 0 }), pg('o1', { slot: 1 })];
    const first = reconcile(input(old));
    expect(stopped(first)).toEqual(['o0']);
    expect(first.place).toEqual([]);

    // Told to stop, still stopping: slot 0 stays empty.
    const stopping = [pg('o0', { slot: 0, desired: 'stop', state: 'stopping' }), old[1]!];
    expect(reconcile(input(stopping)).place).toEqual([]);

    // Down: its successor is placed in slot 0, and slot 1 is not touched while slot 0 is not serving.
    const down = [pg('o0', { slot: 0, desired: 'stop', state: 'stopped' }), old[1]!];
    const next = reconcile(input(down));
    expect(next.place).toEqual([{ appId: 'default/pg', release: 2, slot: 0, replaces: null, reason: 'fill slot 0' }]);
    expect(stopped(next)).toEqual([]);
  });

  it('compares with the same app without volumes, which surges a new instance beside the old one', () => {
    const old = [pg('o0', { slot: 0 }), pg('o1', { slot: 1 })];
    const plan = reconcile(input(old, { inPlace: false }));
    expect(slots(plan).length).toBeGreaterThan(0);
  });

  it('rolls in place even when the task asks for max_unavailable = 0 or blue-green', () => {
    for (const deploy of [testDeploy({ max_unavailable: 0, max_surge: 1 }), testDeploy({ strategy: 'blue-green' })]) {
      const plan = reconcile(input([pg('o0', { slot: 0 })], { count: 1, deploy }));
      expect(stopped(plan)).toEqual(['o0']);
      expect(plan.place).toEqual([]);
    }
  });

  it('keeps the slot of an instance whose host went silent, however long it stays away', () => {
    const hosts: ReconcileInput['hosts'] = [{ id: 'h2', status: 'down', lastHeartbeatAt: 0 }];
    const away = pg('u0', { slot: 0, hostId: 'h2', state: 'unknown', release: 2, updatedAt: 0 });
    const plan = reconcile({ ...input([away], { count: 1, replaceAfterMs: 0 }, hosts), now: NOW * 100 });
    expect(plan.place).toEqual([]);
    expect(plan.stop).toEqual([]);
  });

  it('replaces a failed instance in its slot (the scheduler keeps it on the volume\'s host)', () => {
    const plan = reconcile(input([pg('f0', { slot: 0, state: 'failed', release: 2 })], { count: 1 }));
    expect(stopped(plan)).toEqual(['f0']);
    expect(plan.place).toEqual([{ appId: 'default/pg', release: 2, slot: 0, replaces: 'f0', reason: 'replace failed instance f0' }]);
  });
});
