import { describe, expect, it } from 'vitest';
import { describeExit, restartDecision } from './restart-decision.js';

describe('restartDecision', () => {
  it.each([
    ['never restarts under never', 'never', 1, 0, { restart: false, reason: 'restart policy is never' }],
    ['leaves a clean exit alone under on-failure', 'on-failure', 0, 0, { restart: false, reason: 'exited cleanly (restart policy on-failure)' }],
    ['restarts a failure after 1 s under on-failure', 'on-failure', 2, 0, { restart: true, at: 1000 }],
    ['treats an unknown exit code as a failure', 'on-failure', null, 0, { restart: true, at: 1000 }],
    ['restarts a clean exit under always', 'always', 0, 0, { restart: true, at: 1000 }],
    ['doubles the delay per attempt', 'always', 137, 3, { restart: true, at: 8000 }],
    ['caps the delay at 30 s', 'on-failure', 1, 9, { restart: true, at: 30000 }],
  ] as const)('%s', (_name, policy, exitCode, attempt, expected) => {
    expect(restartDecision(policy, exitCode, attempt, 0)).toEqual(expected);
  });

  it('counts the delay from when the exit was noticed', () => {
    expect(restartDecision('always', 1, 1, 5000)).toEqual({ restart: true, at: 7000 });
  });
});

describe('describeExit', () => {
  it.each([
    [0, 'exited with 0'],
    [3, 'exited with 3'],
    [137, 'was killed by signal 9 (exit 137)'],
    [null, 'exited (exit code unknown)'],
  ])('describes %s as "%s"', (code, text) => {
    expect(describeExit(code)).toBe(text);
  });
});
