import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appMinimum } from './app-minimum.js';
import type { PlannedBatch } from './maintenance-plan.js';
import type { MaintenanceApp, MaintenanceHost, MaintenancePlanInput } from './maintenance-plan-input.js';
import { batchSize, planMaintenance } from './plan-maintenance.js';
import { servingDuring } from './serving-during.js';

const RUNTIMES = ['runc', 'microvm'];

const resources = fc.record({
  millicpus: fc.integer({ min: 0, max: 4000 }),
  memoryMib: fc.integer({ min: 0, max: 4096 }),
  diskMib: fc.integer({ min: 0, max: 1024 }),
});

/** A group of 1–7 hosts, apps with instances on them, a random subset of targets and a batch size. */
const world = (options: { allReady?: boolean; pinned?: boolean; roomy?: boolean } = {}) =>
  fc.integer({ min: options.allReady ? 2 : 1, max: 7 }).chain((n) => {
    const ids = Array.from({ length: n }, (_, i) => `h${i}`);
    const host = (id: string) =>
      fc.record({
        ready: options.allReady ? fc.constant(true) : fc.integer({ min: 0, max: 4 }).map((x) => x > 0),
        cordoned: options.allReady ? fc.constant(false) : fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
        free: options.roomy ? fc.constant({ millicpus: 1e9, memoryMib: 1e9, diskMib: 1e9 }) : resources,
        runtimes: options.roomy ? fc.constant(RUNTIMES) : fc.subarray(RUNTIMES, { minLength: 1 }),
      }).map((h): MaintenanceHost => ({ id, name: id, ...h }));
    const app = (k: number) =>
      fc.integer({ min: 1, max: 4 }).chain((count) =>
        fc.record({
          count: fc.constant(count),
          minServing: fc.integer({ min: 0, max: count }),
          pinned: options.pinned === false ? fc.constant(false) : fc.boolean(),
          resources: fc.record({ millicpus: fc.integer({ min: 0, max: 2000 }), memoryMib: fc.integer({ min: 0, max: 2048 }), diskMib: fc.constant(0) }),
          runtime: fc.constantFrom(...RUNTIMES),
          instances: fc.array(fc.record({ hostId: fc.constantFrom(...ids), serving: fc.integer({ min: 0, max: 5 }).map((x) => x > 0) }), { minLength: count, maxLength: count }),
        }).map((a): MaintenanceApp => ({ appId: `default/app${k}`, ...a, instances: a.instances.map((i, slot) => ({ ...i, slot })) })),
      );
    return fc.record({
      groupHosts: fc.tuple(...ids.map(host)),
      apps: fc.integer({ min: 0, max: 5 }).chain((m) => fc.tuple(...Array.from({ length: m }, (_, k) => app(k)))),
      targets: fc.shuffledSubarray(ids, { minLength: 1 }),
      batch: fc.oneof(fc.integer({ min: 1, max: 4 }).map((hosts) => ({ hosts })), fc.integer({ min: 1, max: 100 }).map((percent) => ({ percent }))),
    }) as fc.Arbitrary<MaintenancePlanInput>;
  });

/** What must hold of every batch planned, refused plan or not. */
function expectBatchesKeepTheRules(input: MaintenancePlanInput, batches: PlannedBatch[]): void {
  const size = batchSize(input.batch, new Set(input.targets).size);
  const seen = new Set<string>();
  for (const batch of batches) {
    expect(batch.hostIds.length).toBeGreaterThan(0);
    expect(batch.hostIds.length).toBeLessThanOrEqual(size);
    for (const id of batch.hostIds) {
      expect(input.targets).toContain(id);
      expect(seen.has(id), `${id} is in two batches`).toBe(false);
      seen.add(id);
      expect(input.groupHosts.find((h) => h.id === id)?.ready).toBe(true);
    }
    const inBatch = new Set(batch.hostIds);
    for (const app of input.apps) {
      const min = appMinimum(app);
      if (servingDuring(app, new Set()) >= min) {
        expect(servingDuring(app, inBatch), `${app.appId} below its minimum in ${batch.hostIds}`).toBeGreaterThanOrEqual(min);
      }
      if (inBatch.size > 1 && app.instances.length >= 2) {
        expect(app.instances.every((i) => inBatch.has(i.hostId)), `every instance of ${app.appId} in ${batch.hostIds}`).toBe(false);
      }
      const here = app.instances.filter((i) => inBatch.has(i.hostId));
      expect(app.pinned ? batch.stops.filter((s) => s.appId === app.appId).length : batch.moves.filter((m) => m.appId === app.appId).length).toBe(here.length);
    }
  }
}

describe('planMaintenance (properties)', () => {
  it('never takes an app below its minimum, and puts every host in exactly one batch or refuses with a reason', () => {
    fc.assert(
      fc.property(world(), (input) => {
        const plan = planMaintenance(input);
        expectBatchesKeepTheRules(input, plan.batches);
        if (plan.ok) {
          expect(plan.batches.flatMap((b) => b.hostIds).sort()).toEqual([...new Set(input.targets)].sort());
        } else {
          expect(plan.reason).toMatch(/cannot be maintained: ./);
          expect(plan.fix.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('always plans a group of ready hosts with room, when no volume pins an instance', () => {
    fc.assert(
      fc.property(world({ allReady: true, pinned: false, roomy: true }), (input) => {
        const plan = planMaintenance(input);
        expect(plan.ok, plan.ok ? '' : plan.reason).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('plans the same for the same input', () => {
    fc.assert(fc.property(world(), (input) => {
      expect(planMaintenance(input)).toEqual(planMaintenance(structuredClone(input)));
    }), { numRuns: 100 });
  });
});
