import { describe, expect, it } from 'vitest';
import { testDeploy } from '../../test/support/test-instance.js';
import { rolloutStart } from './rollout-start.js';

const at = (release: number, slot: number, desired: 'run' | 'stop' = 'run') => ({ release, slot, desired });
const old3 = [at(1, 0), at(1, 1), at(1, 2)];

describe('rolloutStart', () => {
  it.each([
    ['a first deploy needs no room beside anything', 3, testDeploy({ max_unavailable: 0 }), [], 0],
    ['blue-green needs its whole new set beside the old one', 3, testDeploy({ strategy: 'blue-green' }), old3, 3],
    ['blue-green mid-way needs the rest of its set', 3, testDeploy({ strategy: 'blue-green' }), [...old3, at(2, 0)], 2],
    ['rolling with max_unavailable 0 needs one', 3, testDeploy({ max_unavailable: 0, max_surge: 2 }), old3, 1],
    ['rolling with max_unavailable 1 can stop first', 3, testDeploy({ max_unavailable: 1 }), old3, 0],
    ['old instances already stopping do not count', 3, testDeploy({ max_unavailable: 0 }), [at(1, 0, 'stop')], 0],
    ['nothing at count 0', 0, testDeploy({ strategy: 'blue-green' }), old3, 0],
  ] as const)('%s', (_name, count, deploy, live, expected) => {
    expect(rolloutStart(count, 2, deploy, [...live])).toBe(expected);
  });

  it('an app with volumes rolls in place, the old instance stopped first: it needs no room beside itself', () => {
    expect(rolloutStart(3, 2, testDeploy({ max_unavailable: 0 }), old3, true)).toBe(0);
  });
});
