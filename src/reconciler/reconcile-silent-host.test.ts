import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Instance, isServing } from '../domain/instance.js';
import { reconcile } from './reconcile.js';
import type { ReconcileInput } from './reconcile-input.js';
import { testDeploy, testInstance } from '../../test/support/test-instance.js';

const NOW = 1_000_000;
const TTL = 30_000;
const WAIT = 60_000;

/** One app of 2 on hosts h1 (always heartbeating) and h2 (whose heartbeat is given). */
function world(instances: Instance[], h2: { status?: 'ready' | 'down'; lastHeartbeatAt?: number } = {}, over: Partial<ReconcileInput> = {}): ReconcileInput {
  return {
    now: NOW,
    hostTtlMs: TTL,
    apps: [{ appId: 'default/shop', release: 1, count: 2, deploy: testDeploy(), replaceAfterMs: WAIT }],
    instances,
    hosts: [
      { id: 'h1', name: 'one', status: 'ready', lastHeartbeatAt: NOW },
      { id: 'h2', name: 'two', status: h2.status ?? 'ready', lastHeartbeatAt: h2.lastHeartbeatAt ?? NOW },
    ],
    ...over,
  };
}

const a = testInstance('a', { slot: 0, hostId: 'h1' });

describe('reconcile: a host that goes silent and comes back', () => {
  it('marks the instances of a silent host unknown, keeps their slots and replaces nothing yet', () => {
    const plan = reconcile(world([a, testInstance('b', { slot: 1, hostId: 'h2' })], { lastHeartbeatAt: NOW - 45_000 }));
    expect(plan.hostsDown).toEqual(['h2']);
    expect(plan.unknown).toEqual([{ instanceId: 'b', reason: 'host two sent no heartbeat for 45s (ttl 30s)' }]);
    expect(plan.lost).toEqual([]);
    expect(plan.stop).toEqual([]);
    expect(plan.place).toEqual([]);
  });

  it('does not declare a host down for the time the server itself was not running, and says so once it does', () => {
    const hosts = { lastHeartbeatAt: NOW - 1_344_000 };
    const b = testInstance('b', { slot: 1, hostId: 'h2' });
    expect(reconcile(world([a, b], hosts, { heartbeatsSince: NOW - 10_000 })).hostsDown).toEqual([]);
    const later = reconcile(world([a, b], hosts, { heartbeatsSince: NOW - 40_000 }));
    expect(later.unknown).toEqual([{ instanceId: 'b', reason: 'host two sent no heartbeat in the 40s since the server started (ttl 30s)' }]);
  });

  it('holds an unknown instance in its slot until replace_after has passed, then places a replacement beside it', () => {
    const b = testInstance('b', { slot: 1, hostId: 'h2', state: 'unknown', updatedAt: NOW - WAIT + 1 });
    const down = { status: 'down' as const, lastHeartbeatAt: NOW - 120_000 };
    expect(reconcile(world([a, b], down))).toEqual({ hostsDown: [], lost: [], unknown: [], stop: [], moving: [], place: [] });
    const passed = reconcile(world([a, { ...b, updatedAt: NOW - WAIT }], down));
    expect(passed.place).toEqual([{ appId: 'default/shop', release: 1, slot: 1, replaces: 'b', reason: 'replace unknown instance b' }]);
    expect(passed.stop).toEqual([]);
  });

  it('keeps the unknown instance while its replacement does not serve, and stops it once the replacement serves', () => {
    const b = testInstance('b', { slot: 1, hostId: 'h2', state: 'unknown', updatedAt: NOW - 2 * WAIT });
    const down = { status: 'down' as const, lastHeartbeatAt: NOW - 180_000 };
    const starting = testInstance('b2', { slot: 1, hostId: 'h1', state: 'starting' });
    expect(reconcile(world([a, b, starting], down))).toEqual({ hostsDown: [], lost: [], unknown: [], stop: [], moving: [], place: [] });
    const serving = reconcile(world([a, b, { ...starting, state: 'running' }], down));
    expect(serving.stop).toEqual([{ instanceId: 'b', reason: 'replaced by b2, which serves' }]);
    // Told to stop while its host is silent, it is given up next pass.
    const next = reconcile(world([a, { ...b, desired: 'stop' }, { ...starting, state: 'running' }], down));
    expect(next.lost).toEqual([{ instanceId: 'b', reason: 'its host went silent' }]);
  });

  it('never has two serving instances in one slot, and never places more than one replacement per slot', () => {
    const instanceArb = fc.record({
      slot: fc.integer({ min: 0, max: 2 }),
      hostId: fc.constantFrom('h1', 'h2'),
      state: fc.constantFrom('pending' as const, 'running' as const, 'running' as const, 'unknown' as const, 'failed' as const),
      age: fc.constantFrom(0, WAIT - 1, WAIT, 3 * WAIT),
    });
    fc.assert(
      fc.property(fc.array(instanceArb, { maxLength: 8 }), fc.constantFrom('ready' as const, 'down' as const), fc.boolean(), (rows, status, silent) => {
        const instances = rows.map((r, n) => testInstance(`i${n}`, { slot: r.slot, hostId: r.hostId, state: r.state, updatedAt: NOW - r.age }));
        const plan = reconcile(world(instances, { status, lastHeartbeatAt: silent ? NOW - 2 * TTL : NOW }));
        const stopped = new Set([...plan.stop, ...plan.lost].map((s) => s.instanceId));
        const unknown = new Set(plan.unknown.map((u) => u.instanceId));
        for (let slot = 0; slot < 2; slot++) {
          const before = instances.filter((i) => i.slot === slot && isServing(i) && !unknown.has(i.id)).length;
          const after = instances.filter((i) => i.slot === slot && isServing(i) && !stopped.has(i.id) && !unknown.has(i.id)).length;
          // The plan never adds a serving copy (new ones start pending) and stops duplicates.
          expect(after).toBeLessThanOrEqual(Math.max(1, before));
          expect(plan.place.filter((p) => p.slot === slot).length).toBeLessThanOrEqual(1);
          // A slot whose unknown instance still waits gets no replacement.
          const waiting = instances.some((i) => i.slot === slot && (i.state === 'unknown' ? i.updatedAt > NOW - WAIT : unknown.has(i.id)));
          const other = instances.some((i) => i.slot === slot && i.state !== 'unknown' && i.state !== 'failed' && !unknown.has(i.id));
          if (waiting && !other) expect(plan.place.filter((p) => p.slot === slot)).toEqual([]);
        }
      }),
    );
  });
});

describe('reconcile: a rollout whose new instance is on a host going silent now', () => {
  it('keeps the old instance that still serves: the new one no longer counts as serving', () => {
    const now = 1_000_000;
    const plan = reconcile({
      now,
      hostTtlMs: 30_000,
      apps: [{ appId: 'default/shop', release: 2, count: 1, deploy: testDeploy({ max_unavailable: 0, max_surge: 1 }) }],
      instances: [testInstance('old', { release: 1, hostId: 'h1' }), testInstance('new', { release: 2, hostId: 'h2' })],
      hosts: [
        { id: 'h1', status: 'ready', lastHeartbeatAt: now },
        { id: 'h2', status: 'ready', lastHeartbeatAt: now - 120_000 },
      ],
    });
    expect(plan.unknown.map((u) => u.instanceId)).toEqual(['new']);
    expect(plan.stop).toEqual([]);
  });
});
