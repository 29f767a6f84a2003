import { describe, expect, it } from 'vitest';
import type { MaintenanceApp, MaintenanceHost, MaintenancePlanInput } from './maintenance-plan-input.js';
import { batchSize, planMaintenance } from './plan-maintenance.js';

const ROOMY = { millicpus: 8000, memoryMib: 16_384, diskMib: 100_000 };
const SMALL = { millicpus: 500, memoryMib: 256, diskMib: 0 };

function host(id: string, extra: Partial<MaintenanceHost> = {}): MaintenanceHost {
  return { id, name: id, ready: true, cordoned: false, free: ROOMY, runtimes: ['runc'], ...extra };
}

/** An app with one serving instance per host named, slots in that order. */
function app(appId: string, hosts: string[], extra: Partial<MaintenanceApp> = {}): MaintenanceApp {
  return {
    appId,
    count: hosts.length,
    minServing: Math.max(0, hosts.length - 1),
    pinned: false,
    resources: SMALL,
    runtime: 'runc',
    instances: hosts.map((hostId, slot) => ({ hostId, slot, serving: true })),
    ...extra,
  };
}

function input(hosts: MaintenanceHost[], apps: MaintenanceApp[], batch: MaintenancePlanInput['batch'] = { hosts: 1 }, targets = hosts.map((h) => h.id)): MaintenancePlanInput {
  return { groupHosts: hosts, targets, batch, apps };
}

const abcd = ['a', 'b', 'c', 'd'].map((id) => host(id));

describe('batchSize', () => {
  it.each([
    [{ hosts: 2 }, 10, 2],
    [{ hosts: 0 }, 10, 1],
    [{ percent: 25 }, 10, 2],
    [{ percent: 25 }, 3, 1],
    [{ percent: 100 }, 4, 4],
  ] as const)('%j of %i targets is %i hosts', (batch, targets, expected) => {
    expect(batchSize(batch, targets)).toBe(expected);
  });
});

describe('planMaintenance', () => {
  it('takes the hosts one at a time in the order given with --batch 1, moving their instances', () => {
    const plan = planMaintenance(input(abcd, [app('default/web', ['a', 'b', 'c'])], { hosts: 1 }, ['c', 'a', 'b', 'd']));
    expect(plan.ok).toBe(true);
    expect(plan.batches.map((b) => b.hostIds)).toEqual([['c'], ['a'], ['b'], ['d']]);
    expect(plan.batches[0]!.moves).toEqual([{ appId: 'default/web', slot: 2, fromHostId: 'c' }]);
    expect(plan.batches[3]!.moves).toEqual([]);
    expect(plan.batches[0]!.why).toBe('one host at a time (batch size 1)');
  });

  it('fills batches up to the size when no rule is broken', () => {
    const plan = planMaintenance(input(abcd, [app('default/web', ['a', 'b', 'c', 'd'])], { hosts: 2 }));
    expect(plan.batches.map((b) => b.hostIds)).toEqual([['a', 'b'], ['c', 'd']]);
    expect(plan.batches[0]!.why).toBe('2 hosts, the batch size');
  });

  it('never puts every instance of an app of two or more in one batch, and says why', () => {
    const plan = planMaintenance(input(abcd, [app('default/web', ['a', 'b'])], { hosts: 2 }));
    expect(plan.ok).toBe(true);
    expect(plan.batches.map((b) => b.hostIds)).toEqual([['a', 'c'], ['b', 'd']]);
    expect(plan.batches[0]!.why).toBe('2 hosts, the batch size; b later: with it, every instance of default/web (2) would be in the batch');
  });

  it('stops pinned instances and keeps a pinned app at its minimum across batches', () => {
    const pg = app('default/pg', ['a', 'b', 'c'], { pinned: true, minServing: 2 });
    const plan = planMaintenance(input(abcd, [pg], { hosts: 2 }));
    expect(plan.ok).toBe(true);
    expect(plan.batches.map((b) => b.hostIds)).toEqual([['a', 'd'], ['b'], ['c']]);
    expect(plan.batches[0]!.stops).toEqual([{ appId: 'default/pg', slot: 0, fromHostId: 'a' }]);
    expect(plan.batches[0]!.moves).toEqual([]);
    expect(plan.batches[1]!.why).toBe('b alone: with c, default/pg would keep 1 serving instance, below its minimum 2');
  });

  it('a percentage batch is a share of the targets', () => {
    const hosts = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((id) => host(id));
    const plan = planMaintenance(input(hosts, [], { percent: 25 }));
    expect(plan.batches.map((b) => b.hostIds.length)).toEqual([2, 2, 2, 2]);
  });

  it('refuses a down host with what to do', () => {
    const plan = planMaintenance(input([host('a'), host('b', { ready: false }), host('c')], [app('default/web', ['a'])], { hosts: 1 }, ['a', 'b', 'c']));
    expect(plan).toMatchObject({ ok: false, reason: 'b cannot be maintained: b is down (no heartbeats)' });
    if (!plan.ok) expect(plan.fix).toContain('--hosts');
    expect(plan.batches.map((b) => b.hostIds)).toEqual([['a']]);
  });

  it('refuses a pinned app that a single host would take below its minimum', () => {
    const pg = app('default/pg', ['a', 'a', 'b'], { pinned: true, minServing: 2 });
    const plan = planMaintenance(input(abcd, [pg]));
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(plan.reason).toBe('a cannot be maintained: default/pg would keep 1 serving instance, below its minimum 2');
    expect(plan.fix).toContain('min_serving');
  });

  it('refuses when the other hosts have no room for the moved instances, naming what is missing', () => {
    const tight = { millicpus: 200, memoryMib: 128, diskMib: 0 };
    const plan = planMaintenance(input([host('a'), host('b', { free: tight })], [app('default/web', ['a'], { minServing: 1 })]));
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(plan.reason).toContain('a cannot be maintained: 1 movable instance (0.5 cpus, 256 MiB memory, 0 MiB disk) do not fit');
    expect(plan.reason).toContain('b has 0.2 cpus, 128 MiB memory free');
    expect(plan.fix).toContain('free 0.3 cpus, 128 MiB memory more');
  });

  it('needs a host that runs the instance runtime to move it to', () => {
    const plan = planMaintenance(input([host('a', { runtimes: ['microvm', 'runc'] }), host('b')], [app('default/vm', ['a'], { runtime: 'microvm' })]));
    expect(plan).toMatchObject({ ok: false, reason: 'a cannot be maintained: no ready, uncordoned host outside the batch runs microvm (needed by default/vm)' });
  });

  it('does not move to cordoned hosts', () => {
    const plan = planMaintenance(input([host('a'), host('b', { cordoned: true })], [app('default/web', ['a'])], { hosts: 1 }, ['a']));
    expect(plan.ok).toBe(false);
  });

  it('warns about what it cannot keep available', () => {
    const hosts = [host('a'), host('b'), host('c')];
    const plan = planMaintenance(
      input(hosts, [
        app('default/db', ['a'], { pinned: true, minServing: 1 }),
        app('default/cache', ['b', 'b']),
        app('default/web', ['a', 'b', 'c'], { minServing: 3, instances: [{ hostId: 'a', slot: 0, serving: true }, { hostId: 'b', slot: 1, serving: false }, { hostId: 'c', slot: 2, serving: true }] }),
      ]),
    );
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.warnings).toEqual([
      'default/db has one instance, pinned to a by its volumes: it is unavailable while a is maintained',
      'every instance of default/cache is on b: they all move when b is maintained (spread them with more hosts in the group)',
      'default/web serves 2 of its minimum 3 already: the operation cannot keep it at its minimum',
    ]);
  });

  it('plans nothing for no targets, and counts a host named twice once', () => {
    expect(planMaintenance(input(abcd, [], { hosts: 1 }, []))).toEqual({ ok: true, batches: [], warnings: [] });
    expect(planMaintenance(input(abcd, [], { hosts: 1 }, ['a', 'a'])).batches.map((b) => b.hostIds)).toEqual([['a']]);
  });
});
