import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Instance, type InstanceState, isTerminal } from '../domain/instance.js';
import { applyPlanInstantly } from '../../test/support/apply-plan-instantly.js';
import { reconcile } from './reconcile.js';
import type { ReconcileInput } from './reconcile-input.js';
import type { ReconcilePlan } from './reconcile-plan.js';
import { rolloutLimits } from './rollout-limits.js';

const NOW = 10_000_000;
const MAX_COUNT = 5;
const STATES: InstanceState[] = ['pending', 'starting', 'running', 'running', 'running', 'stopping', 'unknown', 'stopped', 'failed', 'lost'];

const appArb = (appId: string) =>
  fc.record({
    appId: fc.constant(appId),
    release: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 5 }),
    count: fc.integer({ min: 0, max: MAX_COUNT }),
    deploy: fc.record({
      strategy: fc.constantFrom('rolling' as const, 'rolling' as const, 'blue-green' as const),
      max_unavailable: fc.integer({ min: 0, max: 2 }),
      max_surge: fc.integer({ min: 0, max: 2 }),
      healthy_deadline_ms: fc.constant(60_000),
      drain_delay_ms: fc.constant(0),
      switch_grace_ms: fc.constant(0),
    }),
    // Instances of silent hosts are replaced at once, so that the instant world converges
    // without a clock (waiting is covered by reconcile-silent-host tests).
    replaceAfterMs: fc.constant(0),
  });

const instanceArb = fc.record({
  appId: fc.constantFrom('a', 'b', 'c', 'deleted'),
  release: fc.integer({ min: 1, max: 3 }),
  slot: fc.integer({ min: 0, max: MAX_COUNT + 1 }),
  hostId: fc.constantFrom('h1', 'h2', 'h3', 'unregistered'),
  desired: fc.constantFrom('run' as const, 'run' as const, 'run' as const, 'stop' as const),
  state: fc.constantFrom(...STATES),
  createdAt: fc.integer({ min: 0, max: 100 }),
});

const hostArb = (id: string) =>
  fc.record({
    id: fc.constant(id),
    status: fc.constantFrom('ready' as const, 'ready' as const, 'down' as const),
    lastHeartbeatAt: fc.constantFrom(NOW, NOW - 5_000, NOW - 120_000),
  });

const inputArb: fc.Arbitrary<ReconcileInput> = fc
  .record({
    apps: fc.tuple(appArb('a'), appArb('b'), appArb('c')).chain((apps) => fc.subarray(apps)),
    instances: fc.array(instanceArb, { maxLength: 25 }),
    hosts: fc.tuple(hostArb('h1'), hostArb('h2'), hostArb('h3')),
  })
  .map(({ apps, instances, hosts }) => ({
    now: NOW,
    hostTtlMs: 30_000,
    apps,
    hosts: [...hosts],
    instances: instances.map((i, n): Instance => ({ ...i, id: `i${n}`, address: null, message: '', health: 'none', healthMessage: '', updatedAt: i.createdAt })),
  }));

/**
 * Live per the reconciler's definition, given which instances the plan marks lost or unknown: an
 * unknown instance (its host is silent) whose wait is over is not live: a replacement may take its slot.
 */
function isLive(i: Instance, plan: ReconcilePlan): boolean {
  const silent = i.state === 'unknown' || plan.unknown.some((u) => u.instanceId === i.id);
  return i.desired === 'run' && !isTerminal(i.state) && !silent && !plan.lost.some((l) => l.instanceId === i.id);
}

describe('reconcile (properties)', () => {
  it('is pure: the same input gives the same plan and the input is left untouched', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const copy = structuredClone(input);
        const plan = reconcile(input);
        expect(input).toEqual(copy);
        expect(reconcile(copy)).toEqual(plan);
      }),
    );
  });

  it('names each instance at most once, places each slot at most once and only touches known instances', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = reconcile(input);
        const ids = [...plan.lost, ...plan.stop].map((x) => x.instanceId);
        expect(new Set(ids).size).toBe(ids.length);
        const known = new Set(input.instances.map((i) => i.id));
        for (const id of ids) expect(known.has(id)).toBe(true);
        const slots = plan.place.map((p) => `${p.appId}#${p.slot}`);
        expect(new Set(slots).size).toBe(slots.length);
        for (const id of plan.hostsDown) expect(input.hosts.find((h) => h.id === id)?.status).toBe('ready');
      }),
    );
  });

  it('never places more than count + max_surge live instances of an app', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = reconcile(input);
        const stopped = new Set(plan.stop.map((s) => s.instanceId));
        for (const app of input.apps) {
          const mine = plan.place.filter((p) => p.appId === app.appId);
          for (const p of mine) expect(p.slot).toBeLessThan(app.count);
          const placed = mine.length;
          if (placed === 0) continue;
          const { maxSurge } = rolloutLimits(app.deploy, app.count);
          const liveAfter = input.instances.filter((i) => i.appId === app.appId && isLive(i, plan) && !stopped.has(i.id)).length + placed;
          expect(liveAfter).toBeLessThanOrEqual(app.count + maxSurge);
        }
      }),
    );
  });

  it('never stops a running old instance if that leaves fewer than count − max_unavailable running', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = reconcile(input);
        const stopped = new Set(plan.stop.map((s) => s.instanceId));
        for (const app of input.apps) {
          if (app.release === null || app.count === 0) continue;
          const live = input.instances.filter((i) => i.appId === app.appId && isLive(i, plan));
          const stoppedRunningOld = live.some((i) => i.release !== app.release && i.state === 'running' && stopped.has(i.id));
          if (!stoppedRunningOld) continue;
          const runningAfter = live.filter((i) => i.state === 'running' && !stopped.has(i.id)).length;
          const { maxUnavailable } = rolloutLimits(app.deploy, app.count);
          expect(runningAfter).toBeGreaterThanOrEqual(app.count - maxUnavailable);
        }
      }),
    );
  });

  it('stops or loses every live instance of an app that no longer exists', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = reconcile(input);
        const handled = new Set([...plan.stop, ...plan.lost].map((x) => x.instanceId));
        for (const i of input.instances) {
          if (i.appId === 'deleted' && i.desired === 'run' && !isTerminal(i.state)) expect(handled.has(i.id)).toBe(true);
        }
      }),
    );
  });

  it('converges to exactly count running instances of the target release in slots 0..count-1 when agents act instantly', () => {
    fc.assert(
      fc.property(inputArb, (start) => {
        let world = start;
        let rounds = 0;
        const bound = 2 * MAX_COUNT + 5;
        for (;;) {
          const plan = reconcile(world);
          const idle = plan.hostsDown.length + plan.lost.length + plan.stop.length + plan.place.length === 0;
          rounds++;
          expect(rounds).toBeLessThanOrEqual(bound);
          // Agents act on what they hold even when the plan is empty (a pending instance starts).
          world = applyPlanInstantly(world, plan, rounds);
          if (idle) break;
        }
        const live = world.instances.filter((i) => i.desired === 'run' && !isTerminal(i.state));
        for (const app of world.apps) {
          const mine = live.filter((i) => i.appId === app.appId);
          const want = app.release === null ? 0 : app.count;
          expect(mine.map((i) => i.slot).sort((x, y) => x - y)).toEqual(Array.from({ length: want }, (_, n) => n));
          for (const i of mine) expect([i.release, i.state]).toEqual([app.release, 'running']);
        }
        expect(live.filter((i) => !world.apps.some((a) => a.appId === i.appId))).toEqual([]);
      }),
      { numRuns: Number(process.env['BUBO_PROPERTY_RUNS'] ?? 300) },
    );
  });
});
