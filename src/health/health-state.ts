import type { CheckSpec } from '../domain/task-spec.js';

/** What the checks say of an instance that has a check (`none` is for instances without one). */
export type CheckHealth = 'unknown' | 'healthy' | 'unhealthy';

/** One check's result: `message` is the prober's words (`HTTP 503 from http://…`). */
export interface CheckOutcome {
  ok: boolean;
  message: string;
  at: number;
}

/** The thresholds and grace period of a check, the only part of `CheckSpec` the state machine reads. */
export type HealthRules = Pick<CheckSpec, 'healthy_threshold' | 'unhealthy_threshold' | 'grace_period_ms'>;

/**
 * Health of one instance run (one `startedAt`). Pure data; `applyCheck` is the only transition.
 * Counters are consecutive: a pass resets `failures`, a failure resets `successes`.
 */
export interface HealthState {
  health: CheckHealth;
  /** When `health` last changed (the start of the run for `unknown` at first). */
  since: number;
  /** Failures before this time do not count (`startedAt + grace_period_ms`). */
  graceUntil: number;
  successes: number;
  /** Consecutive failures that count (those within the grace period do not). */
  failures: number;
  /** Every failed check of this run, grace period included. */
  failuresTotal: number;
  checks: number;
  last: CheckOutcome | null;
}

export interface HealthTransition {
  from: CheckHealth;
  to: CheckHealth;
  at: number;
}

export function initialHealth(startedAt: number, rules: HealthRules): HealthState {
  return { health: 'unknown', since: startedAt, graceUntil: startedAt + rules.grace_period_ms, successes: 0, failures: 0, failuresTotal: 0, checks: 0, last: null };
}

/**
 * The state after one more check. `healthy_threshold` consecutive passes make an instance healthy
 * (from unknown or unhealthy); `unhealthy_threshold` consecutive counted failures make it unhealthy
 * (from unknown or healthy). A failure within the grace period breaks a run of passes but is not
 * counted towards unhealthy: a slow starter is not condemned before it had a chance.
 */
export function applyCheck(state: HealthState, outcome: CheckOutcome, rules: HealthRules): { state: HealthState; transition: HealthTransition | null } {
  const inGrace = outcome.at < state.graceUntil;
  const next: HealthState = {
    ...state,
    checks: state.checks + 1,
    last: outcome,
    successes: outcome.ok ? state.successes + 1 : 0,
    failures: outcome.ok ? 0 : inGrace ? state.failures : state.failures + 1,
    failuresTotal: state.failuresTotal + (outcome.ok ? 0 : 1),
  };
  let to: CheckHealth = state.health;
  if (outcome.ok && state.health !== 'healthy' && next.successes >= rules.healthy_threshold) to = 'healthy';
  if (!outcome.ok && state.health !== 'unhealthy' && next.failures >= rules.unhealthy_threshold) to = 'unhealthy';
  if (to === state.health) return { state: next, transition: null };
  return { state: { ...next, health: to, since: outcome.at }, transition: { from: state.health, to, at: outcome.at } };
}

/**
 * The words reported next to the health: the last check's output, with how many passes or
 * failures led there, so that "unhealthy" always says why.
 */
export function describeHealth(state: HealthState, rules: HealthRules): string {
  const last = state.last;
  if (!last) return state.graceUntil > state.since ? 'not checked yet (grace period)' : 'not checked yet';
  if (state.health === 'unhealthy') {
    if (last.ok) return `${state.successes} of ${rules.healthy_threshold} passes needed to recover; last: ${last.message}`;
    return `${plural(state.failures, 'consecutive failure')}: ${last.message}`;
  }
  if (last.ok) {
    if (state.health === 'healthy') return last.message;
    return `${state.successes} of ${rules.healthy_threshold} passes needed; last: ${last.message}`;
  }
  if (state.failures === 0) return `failing within the grace period: ${last.message}`;
  return `${state.failures} of ${rules.unhealthy_threshold} failures: ${last.message}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
