import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InstanceState } from '../domain/instance.js';
import { reconcileApp } from '../reconciler/reconcile-app.js';
import { testDeploy, testInstance } from '../../test/support/test-instance.js';
import { owedInstances } from './owed-instances.js';

const at = (release: number, slot: number, desired: 'run' | 'stop' = 'run') => ({ release, slot, desired });

describe('owedInstances', () => {
  it.each([
    ['a new app is owed its whole count', 3, testDeploy(), [], false, 3],
    ['an app that runs its count is owed nothing', 2, testDeploy(), [at(1, 0), at(1, 1)], false, 0],
    ['a scaled-up app is owed the new slots', 4, testDeploy(), [at(1, 0), at(1, 1)], false, 2],
    ['new instances in slots beyond count or stopping do not fill a slot', 2, testDeploy(), [at(1, 0), at(1, 3), at(1, 1, 'stop')], false, 1],
    ['nothing is owed at count 0 (stopped, destroying)', 0, testDeploy(), [], false, 0],
    ['a rolling update is owed its surge beside the old set', 3, testDeploy({ max_surge: 1 }), [at(0, 0), at(0, 1), at(0, 2)], false, 1],
    ['a rolling update with surge 2 is owed two', 3, testDeploy({ max_surge: 2 }), [at(0, 0), at(0, 1), at(0, 2)], false, 2],
    ['a rolling update with no surge is owed nothing more than it holds', 3, testDeploy({ max_surge: 0 }), [at(0, 0), at(0, 1), at(0, 2)], false, 0],
    ['mid-rollout, the surge budget left', 3, testDeploy({ max_surge: 1 }), [at(1, 0), at(0, 1), at(0, 2)], false, 1],
    ['a rolling update to a larger release is owed every missing instance', 3, testDeploy({ max_surge: 1 }), [at(0, 0), at(0, 1), at(0, 2)], true, 3],
    ['blue-green is owed its whole new set beside the old one', 3, testDeploy({ strategy: 'blue-green' }), [at(0, 0), at(0, 1), at(0, 2)], false, 3],
  ] as const)('%s', (_name, count, deploy, live, newIsLarger, expected) => {
    expect(owedInstances(count, 1, deploy, [...live], newIsLarger)).toBe(expected);
  });

  // The contract with the control pass: what its next pass places beyond the room it frees
  // (old instances it stops in that pass) never exceeds what a capacity decision held for the app.
  it('covers every instance the control pass places next, net of the old ones it stops', () => {
    const states: InstanceState[] = ['pending', 'starting', 'running', 'running'];
    const instance = fc.record({
      release: fc.constantFrom(0, 1),
      slot: fc.integer({ min: 0, max: 6 }),
      state: fc.constantFrom(...states),
      desired: fc.constantFrom('run' as const, 'run' as const, 'stop' as const),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.constantFrom('rolling' as const, 'rolling' as const, 'blue-green' as const),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.array(instance, { maxLength: 8 }),
        (count, strategy, surge, unavailable, specs) => {
          const deploy = testDeploy({ strategy, max_surge: surge, max_unavailable: unavailable });
          const live = specs.map((s, n) => testInstance(`i${n}`, s));
          const owed = owedInstances(count, 1, deploy, live, false);
          const diff = reconcileApp({ appId: 'default/shop', release: 1, count, deploy }, live.filter((i) => i.desired === 'run'), new Map());
          const stoppedOld = diff.stop.filter((s) => live.find((i) => i.id === s.instanceId)!.release !== 1).length;
          expect(diff.place.length - stoppedOld).toBeLessThanOrEqual(owed);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
