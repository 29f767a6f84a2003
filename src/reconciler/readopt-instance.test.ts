import { describe, expect, it } from 'vitest';
import { readoptInstance } from './readopt-instance.js';
import { testInstance } from '../../test/support/test-instance.js';

const back = testInstance('old', { slot: 1, hostId: 'h2', state: 'unknown' });

describe('readoptInstance', () => {
  it.each([
    ['keeps it when nothing replaced it', [], { keep: true, stop: [], reason: 'instance old came back' }],
    ['keeps it and stops a replacement that does not serve yet', [testInstance('new', { slot: 1, state: 'starting' })], { keep: true, stop: ['new'], reason: 'instance old came back before its replacement served' }],
    ['stops it when a replacement serves', [testInstance('new', { slot: 1, state: 'running' })], { keep: false, stop: [], reason: 'replaced by new, which serves' }],
    ['ignores other slots, stopped and terminal instances', [testInstance('x', { slot: 0 }), testInstance('y', { slot: 1, desired: 'stop' }), testInstance('z', { slot: 1, state: 'failed' })], { keep: true, stop: [], reason: 'instance old came back' }],
    ['leaves a rollout peer of another release alone', [testInstance('v2', { slot: 1, release: 2, state: 'pending' })], { keep: true, stop: [], reason: 'instance old came back' }],
  ])('%s', (_name, others, expected) => {
    expect(readoptInstance(back, others)).toEqual(expected);
  });
});
