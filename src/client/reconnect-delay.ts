/** The steps of the reconnect backoff, in milliseconds; the last one repeats. */
export const RECONNECT_STEPS_MS: readonly number[] = [250, 500, 1_000, 2_000, 5_000];

/**
 * How long a client of the server (an agent's assignments, catalog and heartbeat loops) waits
 * before its next attempt after `failures` failed ones in a row (0 after the first failure):
 * the step for that many failures, of which the upper half is random ("equal jitter"). Bounded
 * to [step/2, step], so an agent is back within 5 s of the server; jittered, so that a thousand
 * agents cut off by one server restart do not all call it in the same millisecond, again and
 * again. `random` is in [0, 1) (`Math.random()`; tests pass fixed values).
 */
export function reconnectDelayMs(failures: number, random: number, steps: readonly number[] = RECONNECT_STEPS_MS): number {
  const step = steps[Math.min(Math.max(0, failures), steps.length - 1)] ?? 1_000;
  return Math.round(step / 2 + (step / 2) * Math.min(Math.max(random, 0), 1));
}
