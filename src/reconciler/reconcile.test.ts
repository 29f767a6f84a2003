import { describe, expect, it } from 'vitest';
import type { Instance } from '../domain/instance.js';
import { applyPlanInstantly } from '../../test/support/apply-plan-instantly.js';
import { reconcile } from './reconcile.js';
import type { ReconcileApp, ReconcileInput } from './reconcile-input.js';
import { testDeploy, testInstance } from '../../test/support/test-instance.js';

const NOW = 1_000_000;

function input(instances: Instance[], app: Partial<ReconcileApp> = {}, hosts: ReconcileInput['hosts'] = []): ReconcileInput {
  return {
    now: NOW,
    hostTtlMs: 30_000,
    apps: [{ appId: 'default/shop', release: 1, count: 3, deploy: testDeploy(), ...app }],
    instances,
    hosts: [{ id: 'h1', status: 'ready', lastHeartbeatAt: NOW }, ...hosts],
  };
}

const slots = (plan: { place: { slot: number }[] }) => plan.place.map((p) => p.slot);
const stopped = (plan: { stop: { instanceId: string }[] }) => plan.stop.map((s) => s.instanceId);

describe('reconcile', () => {
  it('fills every missing slot, lowest first, when nothing runs', () => {
    const plan = reconcile(input([]));
    expect(plan.place).toEqual([0, 1, 2].map((slot) => ({ appId: 'default/shop', release: 1, slot, replaces: null, reason: `fill slot ${slot}` })));
    expect(plan.stop).toEqual([]);
  });

  it('fills only the gaps between running instances', () => {
    const plan = reconcile(input([testInstance('a', { slot: 0 }), testInstance('c', { slot: 2 })]));
    expect(slots(plan)).toEqual([1]);
  });

  it('does nothing when the app runs as desired', () => {
    const plan = reconcile(input([0, 1, 2].map((slot) => testInstance(`i${slot}`, { slot }))));
    expect(plan).toEqual({ hostsDown: [], lost: [], unknown: [], stop: [], moving: [], place: [] });
  });

  it('scales down by stopping the slots above count, non-running first, then highest slot first', () => {
    const instances = [0, 1, 2, 3, 4].map((slot) => testInstance(`i${slot}`, { slot, state: slot === 3 ? 'starting' : 'running' }));
    const plan = reconcile(input(instances, { count: 2 }));
    expect(stopped(plan)).toEqual(['i3', 'i4', 'i2']);
    expect(plan.stop[0]?.reason).toBe('scale down to 2');
    expect(plan.place).toEqual([]);
  });

  it('stops a failed instance and places a replacement in its slot', () => {
    const plan = reconcile(input([testInstance('a', { slot: 0 }), testInstance('b', { slot: 1, state: 'failed', message: 'exit code 1' }), testInstance('c', { slot: 2 })]));
    expect(plan.stop).toEqual([{ instanceId: 'b', reason: 'failed: exit code 1' }]);
    expect(plan.place).toEqual([{ appId: 'default/shop', release: 1, slot: 1, replaces: 'b', reason: 'replace failed instance b' }]);
  });

  it('holds a freshly failed instance in its slot for the replace delay, then replaces it', () => {
    const failed = testInstance('b', { slot: 1, state: 'failed', message: 'image not found', updatedAt: NOW - 2_000 });
    const instances = [testInstance('a', { slot: 0 }), failed, testInstance('c', { slot: 2 })];
    const held = reconcile({ ...input(instances), failedReplaceDelayMs: 5_000 });
    expect(held).toEqual({ hostsDown: [], lost: [], unknown: [], stop: [], moving: [], place: [] });
    const later = reconcile({ ...input(instances), now: NOW + 3_001, failedReplaceDelayMs: 5_000, hosts: [{ id: 'h1', status: 'ready', lastHeartbeatAt: NOW + 3_001 }] });
    expect(stopped(later)).toEqual(['b']);
    expect(slots(later)).toEqual([1]);
  });

  it('marks the instances of a host that stopped heartbeating unknown (lost when told to stop) and, with replace_after 0, replaces them', () => {
    const instances = [testInstance('a', { slot: 0 }), testInstance('b', { slot: 1, hostId: 'h2' }), testInstance('c', { slot: 2, hostId: 'h2', desired: 'stop', state: 'stopping' })];
    const plan = reconcile(input(instances, { replaceAfterMs: 0 }, [{ id: 'h2', status: 'ready', lastHeartbeatAt: NOW - 45_000 }]));
    expect(plan.hostsDown).toEqual(['h2']);
    expect(plan.unknown).toEqual([{ instanceId: 'b', reason: 'host h2 sent no heartbeat for 45s (ttl 30s)' }]);
    expect(plan.lost).toEqual([{ instanceId: 'c', reason: 'host h2 sent no heartbeat for 45s (ttl 30s)' }]);
    expect(plan.stop).toEqual([]);
    expect(plan.place).toEqual([
      { appId: 'default/shop', release: 1, slot: 1, replaces: 'b', reason: 'replace unknown instance b' },
      { appId: 'default/shop', release: 1, slot: 2, replaces: null, reason: 'fill slot 2' },
    ]);
  });

  it('stops lost instances still desired to run once their slot has a replacement', () => {
    const plan = reconcile(input([testInstance('a', { slot: 0 }), testInstance('b', { slot: 1, state: 'lost' }), testInstance('b2', { slot: 1 }), testInstance('c', { slot: 2 })]));
    expect(plan.stop).toEqual([{ instanceId: 'b', reason: 'lost' }]);
    expect(plan.place).toEqual([]);
  });

  it('stops everything when the app has no release or a count of zero', () => {
    const instances = [testInstance('a', { slot: 0 }), testInstance('b', { slot: 1, state: 'pending' })];
    expect(stopped(reconcile(input(instances, { release: null })))).toEqual(['b', 'a']);
    expect(reconcile(input(instances, { count: 0 })).place).toEqual([]);
    expect(stopped(reconcile(input(instances, { count: 0 })))).toEqual(['b', 'a']);
  });

  it('stops the instances of apps that no longer exist', () => {
    const plan = reconcile({ ...input([testInstance('x', { appId: 'default/gone' })]), apps: [] });
    expect(plan.stop).toEqual([{ instanceId: 'x', reason: 'app default/gone no longer exists' }]);
  });

  it('rolls 3 instances to a new release step by step with max_unavailable=1 and max_surge=1', () => {
    let world = input([0, 1, 2].map((slot) => testInstance(`old${slot}`, { slot })), { release: 2 });

    // Step 1: one old goes (3 → 2 running, the floor), two new are placed (2 old + 2 new = count + surge).
    let plan = reconcile(world);
    expect(plan.stop).toEqual([{ instanceId: 'old0', reason: 'rolling update to release 2' }]);
    expect(plan.place).toEqual([
      { appId: 'default/shop', release: 2, slot: 0, replaces: 'old0', reason: 'rolling update to release 2' },
      { appId: 'default/shop', release: 2, slot: 1, replaces: 'old1', reason: 'rolling update to release 2' },
    ]);

    // While the new ones are still starting nothing more may stop, and nothing more may be placed.
    const starting = applyPlanInstantly(world, plan, 1);
    const notYet = { ...starting, instances: starting.instances.map((i) => (i.release === 2 ? { ...i, state: 'starting' as const } : i)) };
    expect(reconcile(notYet)).toEqual({ hostsDown: [], lost: [], unknown: [], stop: [], moving: [], place: [] });

    // Step 2: both new run; old1 (its slot's new instance runs) and old2 go, slot 2 gets its new one.
    world = starting;
    plan = reconcile(world);
    expect(stopped(plan)).toEqual(['old1', 'old2']);
    expect(plan.place).toEqual([{ appId: 'default/shop', release: 2, slot: 2, replaces: 'old2', reason: 'rolling update to release 2' }]);

    // Step 3: three new run; nothing is left to do.
    world = applyPlanInstantly(world, plan, 2);
    expect(reconcile(world)).toEqual({ hostsDown: [], lost: [], unknown: [], stop: [], moving: [], place: [] });
    const live = world.instances.filter((i) => i.desired === 'run');
    expect(live.map((i) => [i.release, i.slot, i.state])).toEqual([
      [2, 0, 'running'],
      [2, 1, 'running'],
      [2, 2, 'running'],
    ]);
  });

  it('stops old instances that are not running yet first, at no cost in availability', () => {
    const instances = [testInstance('o0', { slot: 0 }), testInstance('o1', { slot: 1 }), testInstance('o2', { slot: 2, state: 'pending' })];
    const plan = reconcile(input(instances, { release: 2, deploy: testDeploy({ max_surge: 0, max_unavailable: 1 }) }));
    expect(stopped(plan)).toEqual(['o2']);
    expect(slots(plan)).toEqual([2]);
  });

  it('rolls one at a time with max_surge=0, never dropping below count − max_unavailable', () => {
    const plan = reconcile(input([0, 1, 2].map((slot) => testInstance(`o${slot}`, { slot })), { release: 2, deploy: testDeploy({ max_surge: 0, max_unavailable: 1 }) }));
    expect(stopped(plan)).toEqual(['o0']);
    expect(slots(plan)).toEqual([0]);
  });

  it('treats blue-green as a rolling update that surges the whole count', () => {
    const plan = reconcile(input([0, 1, 2].map((slot) => testInstance(`o${slot}`, { slot })), { release: 2, deploy: testDeploy({ strategy: 'blue-green', max_unavailable: 0 }) }));
    expect(plan.stop).toEqual([]);
    expect(slots(plan)).toEqual([0, 1, 2]);
  });

  it('keeps the running copy and stops the other when two instances of the new release share a slot', () => {
    const plan = reconcile(input([testInstance('a', { slot: 0, state: 'starting' }), testInstance('b', { slot: 0 }), testInstance('c', { slot: 1 }), testInstance('d', { slot: 2 })]));
    expect(plan.stop).toEqual([{ instanceId: 'a', reason: 'duplicate of b in slot 0' }]);
    expect(plan.place).toEqual([]);
  });

  describe('with health checks', () => {
    const old = (id: string, slot: number) => testInstance(id, { slot, health: 'healthy' });
    const fresh = (id: string, slot: number, health: Instance['health']) => testInstance(id, { slot, release: 2, health });
    const rolling = { release: 2, count: 2, deploy: testDeploy({ max_unavailable: 0, max_surge: 1 }) };

    it('keeps every old instance while the new one runs but has not passed its check', () => {
      const plan = reconcile(input([old('a', 0), old('b', 1), fresh('n0', 0, 'unknown')], rolling));
      expect(plan.stop).toEqual([]);
      expect(plan.place).toEqual([]); // the surge budget is taken by n0
    });

    it('stops one old instance once a new one is healthy, and places the next', () => {
      const plan = reconcile(input([old('a', 0), old('b', 1), fresh('n0', 0, 'healthy')], rolling));
      expect(stopped(plan)).toEqual(['a']);
      expect(slots(plan)).toEqual([1]);
    });

    it('stops an old instance that fails its check at once: it serves nobody', () => {
      const plan = reconcile(input([old('a', 0), testInstance('b', { slot: 1, health: 'unhealthy' }), fresh('n0', 0, 'unknown')], rolling));
      expect(plan.stop).toEqual([{ instanceId: 'b', reason: 'rolling update to release 2: old instance is unhealthy (health check)' }]);
    });

    it('rolls back cleanly: instances of the abandoned release that never got healthy go at once', () => {
      const back = { ...rolling, release: 1 };
      const plan = reconcile(input([old('a', 0), old('b', 1), fresh('n0', 0, 'unknown')], back));
      expect(stopped(plan)).toEqual(['n0']);
      expect(plan.place).toEqual([]);
    });

    it('blue-green starts the whole new set at once and stops nothing before it serves', () => {
      const bg = { release: 2, count: 2, deploy: testDeploy({ strategy: 'blue-green' }) };
      const first = reconcile(input([old('a', 0), old('b', 1)], bg));
      expect(slots(first)).toEqual([0, 1]);
      expect(first.stop).toEqual([]);
      const half = reconcile(input([old('a', 0), old('b', 1), fresh('n0', 0, 'healthy'), fresh('n1', 1, 'unknown')], bg));
      expect(half.stop).toEqual([]);
    });

    it('blue-green keeps the old set while held (switch grace), then stops all of it together', () => {
      const bg = { release: 2, count: 2, deploy: testDeploy({ strategy: 'blue-green' }) };
      const all = [old('a', 0), old('b', 1), fresh('n0', 0, 'healthy'), fresh('n1', 1, 'healthy')];
      expect(reconcile(input(all, { ...bg, holdOld: true })).stop).toEqual([]);
      expect(stopped(reconcile(input(all, { ...bg, holdOld: false })))).toEqual(['a', 'b']);
    });
  });
});
