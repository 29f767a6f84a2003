import { describe, expect, it } from 'vitest';
import { applyCheck, type CheckHealth, describeHealth, type HealthRules, type HealthState, initialHealth } from './health-state.js';

const rules = (over: Partial<HealthRules> = {}): HealthRules => ({ healthy_threshold: 2, unhealthy_threshold: 3, grace_period_ms: 0, ...over });

/** Runs checks written as a string ("+" pass, "-" fail), one per 10 ms from t=100; returns the health after each. */
function run(pattern: string, r: HealthRules, startedAt = 100): { states: HealthState[]; healths: CheckHealth[]; transitions: string[] } {
  let state = initialHealth(startedAt, r);
  const states: HealthState[] = [];
  const transitions: string[] = [];
  [...pattern].forEach((c, i) => {
    const at = startedAt + (i + 1) * 10;
    const result = applyCheck(state, { ok: c === '+', message: c === '+' ? 'HTTP 200' : 'HTTP 503', at }, r);
    state = result.state;
    states.push(state);
    if (result.transition) transitions.push(`${result.transition.from}->${result.transition.to}@${result.transition.at}`);
  });
  return { states, healths: states.map((s) => s.health), transitions };
}

describe('applyCheck', () => {
  it.each([
    ['one pass with threshold 1 makes it healthy', '+', rules({ healthy_threshold: 1 }), ['healthy']],
    ['passes below the healthy threshold stay unknown', '+', rules(), ['unknown']],
    ['consecutive passes reach the threshold', '++', rules(), ['unknown', 'healthy']],
    ['a failure breaks a run of passes', '+-+', rules(), ['unknown', 'unknown', 'unknown']],
    ['failures from unknown make it unhealthy', '---', rules(), ['unknown', 'unknown', 'unhealthy']],
    ['failures below the threshold keep it healthy', '++--+', rules(), ['unknown', 'healthy', 'healthy', 'healthy', 'healthy']],
    ['a pass resets the failure count', '++--+--', rules(), ['unknown', 'healthy', 'healthy', 'healthy', 'healthy', 'healthy', 'healthy']],
    ['consecutive failures make a healthy instance unhealthy', '++---', rules(), ['unknown', 'healthy', 'healthy', 'healthy', 'unhealthy']],
    ['it recovers after healthy_threshold passes', '---++', rules(), ['unknown', 'unknown', 'unhealthy', 'unhealthy', 'healthy']],
    ['one pass does not recover with threshold 2', '---+-', rules(), ['unknown', 'unknown', 'unhealthy', 'unhealthy', 'unhealthy']],
    ['unhealthy threshold 1 flips at the first failure', '+-', rules({ healthy_threshold: 1, unhealthy_threshold: 1 }), ['healthy', 'unhealthy']],
  ])('%s (%s)', (_name, pattern, r, expected) => {
    expect(run(pattern, r).healths).toEqual(expected);
  });

  it.each([
    // Checks at t=110, 120, 130...; grace until 100 + 35 = 135: the first three failures do not count.
    ['failures within the grace period do not count', '----', ['unknown', 'unknown', 'unknown', 'unknown'], [0, 0, 0, 1]],
    ['failures after the grace period count towards unhealthy', '------', ['unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unhealthy'], [0, 0, 0, 1, 2, 3]],
    ['passes within the grace period count towards healthy', '-++', ['unknown', 'unknown', 'healthy'], [0, 0, 0]],
  ])('%s (%s)', (_name, pattern, healths, failures) => {
    const result = run(pattern, rules({ grace_period_ms: 35 }));
    expect(result.healths).toEqual(healths);
    expect(result.states.map((s) => s.failures)).toEqual(failures);
    expect(result.states.at(-1)?.failuresTotal).toBe([...pattern].filter((c) => c === '-').length);
  });

  it('reports each transition once, with the time of the check that caused it', () => {
    expect(run('++---++', rules()).transitions).toEqual(['unknown->healthy@120', 'healthy->unhealthy@150', 'unhealthy->healthy@170']);
  });

  it('keeps the last outcome, the counts and the time of the last change', () => {
    const { states } = run('++-', rules());
    expect(states.at(-1)).toEqual({
      health: 'healthy',
      since: 120,
      graceUntil: 100,
      successes: 0,
      failures: 1,
      failuresTotal: 1,
      checks: 3,
      last: { ok: false, message: 'HTTP 503', at: 130 },
    });
  });
});

describe('describeHealth', () => {
  const last = (pattern: string, r = rules()) => describeHealth(run(pattern, r).states.at(-1) ?? initialHealth(100, r), r);

  it.each([
    ['before any check', '', rules(), 'not checked yet'],
    ['before any check, in grace', '', rules({ grace_period_ms: 1000 }), 'not checked yet (grace period)'],
    ['on the way to healthy', '+', rules(), '1 of 2 passes needed; last: HTTP 200'],
    ['healthy', '++', rules(), 'HTTP 200'],
    ['healthy with a failure', '++-', rules(), '1 of 3 failures: HTTP 503'],
    ['failing in grace', '-', rules({ grace_period_ms: 1000 }), 'failing within the grace period: HTTP 503'],
    ['unhealthy, with the last output', '----', rules(), '4 consecutive failures: HTTP 503'],
    ['recovering', '---+', rules(), '1 of 2 passes needed to recover; last: HTTP 200'],
  ])('%s', (_name, pattern, r, expected) => {
    expect(last(pattern, r)).toBe(expected);
  });
});
