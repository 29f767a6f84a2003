import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Instance, type InstanceState, isServing, isTerminal } from '../../domain/instance.js';
import { rolloutLimits } from '../../reconciler/rollout-limits.js';
import type { ControlPlan } from './control-plan.js';
import type { ControlSnapshot } from './control-snapshot.js';
import { planControlPass } from './plan-control-pass.js';
import { testApp, testDeployment, testHost, testRelease, testSnapshot } from '../../../test/support/test-control-snapshot.js';

const NOW = 10_000_000;
const STATES: InstanceState[] = ['pending', 'starting', 'running', 'running', 'running', 'stopping', 'stopped', 'failed', 'lost'];
const RELEASES = ['a', 'b'].flatMap((app) => [1, 2, 3].map((v) => testRelease(app, v, { count: 1 + v, strategy: v === 3 ? 'blue-green' : 'rolling', check: v !== 1 })));

/** Fresh ids that repeat from one call to the next, so a pass is replayable. */
function counterIds(): (prefix: string) => string {
  let n = 0;
  return (prefix) => `${prefix}-${n++}`;
}

/** Live as the database's unique index defines it. */
// As the store's unique index (migration 0006) counts them: an `unknown` instance is not live.
const isLiveRow = (i: Instance) => i.desired === 'run' && !isTerminal(i.state) && i.state !== 'unknown';

const appArb = (name: string) =>
  fc.record({
    release: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 6 }),
    count: fc.integer({ min: 0, max: 4 }),
    destroying: fc.constantFrom(false, false, false, true),
    deployment: fc.option(
      fc.record({ from: fc.integer({ min: 1, max: 3 }), fromCount: fc.integer({ min: 1, max: 4 }), kind: fc.constantFrom('deploy' as const, 'rollback' as const), age: fc.constantFrom(0, 120_000) }),
    ),
  }).map((a) => ({ name, ...a }));

const instanceArb = fc.record({
  app: fc.constantFrom('a', 'b'),
  release: fc.integer({ min: 1, max: 3 }),
  slot: fc.integer({ min: 0, max: 5 }),
  hostId: fc.constantFrom('h1', 'h2', 'h3'),
  desired: fc.constantFrom('run' as const, 'run' as const, 'run' as const, 'stop' as const),
  state: fc.constantFrom(...STATES),
  health: fc.constantFrom('none' as const, 'healthy' as const, 'healthy' as const, 'unhealthy' as const, 'unknown' as const),
  createdAt: fc.integer({ min: 0, max: 100 }),
});

const snapshotArb: fc.Arbitrary<ControlSnapshot> = fc
  .record({
    apps: fc.tuple(appArb('a'), appArb('b')),
    instances: fc.array(instanceArb, { maxLength: 20 }),
    hosts: fc.tuple(...['h1', 'h2', 'h3'].map((id) => fc.record({ id: fc.constant(id), down: fc.constantFrom(false, false, true), silent: fc.constantFrom(false, false, true) }))),
  })
  .map(({ apps, instances, hosts }) => {
    const seen = new Set<string>();
    const rows = instances.map((x, n): Instance => {
      const i: Instance = {
        id: `i${n}`,
        appId: `default/${x.app}`,
        release: x.release,
        hostId: x.hostId,
        slot: x.slot,
        desired: x.desired,
        state: x.state,
        address: '10.88.1.2',
        message: '',
        health: x.health,
        healthMessage: '',
        createdAt: x.createdAt,
        updatedAt: x.createdAt,
      };
      // The store's unique index: at most one live instance per (app, release, slot).
      const key = `${i.appId}#${i.release}#${i.slot}`;
      if (isLiveRow(i) && seen.has(key)) return { ...i, desired: 'stop' };
      if (isLiveRow(i)) seen.add(key);
      return i;
    });
    return testSnapshot({
      hosts: hosts.map((h) => testHost(h.id, { status: h.down ? 'down' : 'ready', lastHeartbeatAt: h.silent ? NOW - 120_000 : NOW })),
      apps: apps.map((a) => testApp(a.name, { release: a.release, count: a.count, destroying: a.destroying })),
      instances: rows,
      releaseList: RELEASES,
      deployments: new Map(
        apps.flatMap((a) =>
          a.deployment && a.release !== null
            ? [[`default/${a.name}`, testDeployment({ id: `d-${a.name}`, appId: `default/${a.name}`, fromRelease: a.deployment.from, fromCount: a.deployment.fromCount, toRelease: a.release, kind: a.deployment.kind, createdAt: NOW - a.deployment.age })] as const]
            : [],
        ),
      ),
    });
  });

/** The instances as they are once `plan` is written. */
function afterPlan(snapshot: ControlSnapshot, plan: ControlPlan): Instance[] {
  const lost = new Set(plan.lost.map((l) => l.instanceId));
  const unknown = new Set(plan.unknown.map((u) => u.instanceId));
  const stop = new Set(plan.stop);
  const rows = snapshot.instances.map((i): Instance => {
    if (lost.has(i.id)) return { ...i, state: 'lost' };
    // Written before the placements (apply-control-plan), so a replacement may take its slot at once.
    const row: Instance = unknown.has(i.id) ? { ...i, state: 'unknown' } : i;
    return stop.has(i.id) ? { ...row, desired: 'stop' } : row;
  });
  return [...rows, ...plan.place];
}

describe('planControlPass (properties)', () => {
  it('is pure: the same snapshot gives the same plan and the snapshot is left untouched', () => {
    fc.assert(
      fc.property(snapshotArb, (snapshot) => {
        const copy = structuredClone(snapshot);
        const plan = planControlPass(snapshot, NOW, counterIds());
        expect(snapshot).toEqual(copy);
        expect(planControlPass(copy, NOW, counterIds())).toEqual(plan);
      }),
    );
  });

  it('takes the instances of a host it marks down out of the catalog in the same pass', () => {
    fc.assert(
      fc.property(snapshotArb, (snapshot) => {
        const plan = planControlPass(snapshot, NOW, counterIds());
        const down = new Set(plan.hostsDown);
        const onDownHost = snapshot.instances.filter((i) => down.has(i.hostId) && i.desired === 'run' && !isTerminal(i.state));
        for (const i of onDownHost) expect(plan.unknown.map((u) => u.instanceId).concat(plan.lost.map((l) => l.instanceId))).toContain(i.id);
        // Not serving once unknown, and the catalog is rebuilt now, not at the next report.
        const unknown = new Set(plan.unknown.map((u) => u.instanceId));
        const after = afterPlan(snapshot, plan).map((i): Instance => (unknown.has(i.id) ? { ...i, state: 'unknown' } : i));
        for (const i of after.filter((i) => down.has(i.hostId))) expect(isServing(i)).toBe(false);
        if (onDownHost.some(isServing)) expect(plan.catalogChanged).toBe(true);
      }),
    );
  });

  it('never leaves two live instances in one slot of one release', () => {
    fc.assert(
      fc.property(snapshotArb, (snapshot) => {
        const keys = afterPlan(snapshot, planControlPass(snapshot, NOW, counterIds()))
          .filter(isLiveRow)
          .map((i) => `${i.appId}#${i.release}#${i.slot}`);
        expect(keys.length).toBe(new Set(keys).size);
      }),
    );
  });

  it('never stops a serving instance of an older release if that leaves fewer than count − max_unavailable serving', () => {
    fc.assert(
      fc.property(snapshotArb, (snapshot) => {
        const plan = planControlPass(snapshot, NOW, counterIds());
        const stopped = new Set(plan.stop);
        const gone = new Set([...plan.hostsDown, ...snapshot.hosts.filter((h) => h.status === 'down').map((h) => h.id)]);
        const after = afterPlan(snapshot, plan);
        for (const app of snapshot.apps) {
          if (app.release === null || app.destroying || app.count === 0 || plan.appUpdates.some((u) => u.id === app.id)) continue;
          // An instance on a host this pass marks down (or already down) no longer serves: replacing it
          // is failover, not a rollout trading it away.
          const tradedOld = snapshot.instances.some((i) => i.appId === app.id && i.release !== app.release && isServing(i) && !gone.has(i.hostId) && stopped.has(i.id));
          if (!tradedOld) continue;
          const release = snapshot.releases.get(`${app.id}#${app.release}`)!;
          const { maxUnavailable } = rolloutLimits(release.spec.deploy, app.count);
          const servingAfter = after.filter((i) => i.appId === app.id && isServing(i)).length;
          expect(servingAfter).toBeGreaterThanOrEqual(app.count - maxUnavailable);
        }
      }),
    );
  });

  it('rolls a failed deploy back to exactly the release and count it came from, and never a failed rollback', () => {
    fc.assert(
      fc.property(snapshotArb, (snapshot) => {
        const plan = planControlPass(snapshot, NOW, counterIds());
        for (const app of snapshot.apps) {
          const deployment = snapshot.deployments.get(app.id);
          const failed = plan.deploymentUpdates.some((u) => u.id === deployment?.id && u.patch.status === 'failed');
          const update = plan.appUpdates.find((u) => u.id === app.id);
          if (!deployment || !failed || deployment.kind === 'rollback' || deployment.fromRelease === deployment.toRelease) {
            expect(update).toBeUndefined();
            continue;
          }
          const failedSpec = snapshot.releases.get(`${app.id}#${deployment.toRelease}`)!.spec;
          const count = app.count === failedSpec.count ? deployment.fromCount : app.count;
          expect(update?.patch).toMatchObject({ release: deployment.fromRelease, count });
          const back = plan.newDeployments.find((d) => d.appId === app.id);
          expect(back).toMatchObject({ kind: 'rollback', fromRelease: deployment.toRelease, toRelease: deployment.fromRelease, fromCount: app.count, status: 'running' });
          // What it came from keeps running: the rollback stops no serving instance of the old release
          // (the reconciler's own rollout stops, listed first, are judged by the other properties).
          const restored = snapshot.instances.filter((i) => i.appId === app.id && i.release === deployment.fromRelease && isServing(i));
          for (const i of restored) expect(plan.stop.slice(plan.reconcilerStops)).not.toContain(i.id);
        }
      }),
    );
  });
});
