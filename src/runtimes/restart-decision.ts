import type { RestartPolicy } from '../domain/task-spec.js';

export const RESTART_BACKOFF_MIN_MS = 1_000;
export const RESTART_BACKOFF_MAX_MS = 30_000;

export type RestartDecision = { restart: false; reason: string } | { restart: true; at: number };

/**
 * Whether and when an exited container restarts. `exitCode` null means unknown, which counts as a
 * failure. `attempt` is the number of restarts already made since the container last ran well; the
 * delay doubles from 1 s up to 30 s, counted from `exitedAt` (when the exit was noticed).
 */
export function restartDecision(policy: RestartPolicy, exitCode: number | null, attempt: number, exitedAt: number): RestartDecision {
  if (policy === 'never') return { restart: false, reason: 'restart policy is never' };
  if (policy === 'on-failure' && exitCode === 0) return { restart: false, reason: 'exited cleanly (restart policy on-failure)' };
  const delay = Math.min(RESTART_BACKOFF_MAX_MS, RESTART_BACKOFF_MIN_MS * 2 ** Math.min(attempt, 10));
  return { restart: true, at: exitedAt + delay };
}

/** How an exit reads to a user: "exited with 0", "was killed by signal 9 (exit 137)". */
export function describeExit(exitCode: number | null): string {
  if (exitCode === null) return 'exited (exit code unknown)';
  if (exitCode > 128 && exitCode < 160) return `was killed by signal ${exitCode - 128} (exit ${exitCode})`;
  return `exited with ${exitCode}`;
}
