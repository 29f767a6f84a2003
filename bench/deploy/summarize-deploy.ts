import type { DeployTimeline } from './deploy-timeline.js';

export type Strategy = 'rolling' | 'blue-green';

/**
 * Milliseconds. The phases partition the deploy's wall time:
 * `placement + start + health + lbSwitch + oldStopped + rest = total`.
 */
export interface DeployFigures {
  /** Deploy call → every new instance serving through the load balancer, only new answers, deployment done. */
  total: number;
  /** The health checks on the critical path: what is subtracted (see `summarizeDeploy`). */
  health: number;
  /** `total - health`: what is compared. */
  net: number;
  /** Deploy call → the first new instance placed (the baseline has no such step: 0). */
  placement: number;
  /** Some new instance placed and not yet running. */
  start: number;
  /** Healthy, and not yet answering through the load balancer. */
  lbSwitch: number;
  /** Some old instance asked to stop and not yet stopped. */
  oldStopped: number;
  /** None of the above: waits between steps (reconcile passes, long-polls, reports) and the end. */
  rest: number;
}

type Phase = 'start' | 'health' | 'lbSwitch' | 'oldStopped';
/** When phases overlap, an instant counts for the first of these that is under way. */
const PRIORITY: readonly Phase[] = ['start', 'health', 'lbSwitch', 'oldStopped'];

/**
 * Splits the time from the deploy call to the end into phases by what was under way at each
 * instant: some new instance starting (placed → running), else some new instance waiting on its
 * health check (running → healthy), else some healthy new instance not yet answering through the
 * load balancer, else some old instance stopping, else nothing measured (`rest`); before the first
 * placement, `placement`. The health-check time subtracted is this partition's `health`: the time
 * during which the deploy was waiting on nothing but checks. Rolling with max_surge 1 starts one
 * instance after the previous is healthy, so that is the sum of each new instance's running →
 * healthy; blue-green starts the whole set at once, so it is the time from the last instance
 * running to the last healthy (at most the longest single running → healthy).
 */
export function summarizeDeploy(t: DeployTimeline): DeployFigures {
  const intervals: { phase: Phase; from: number; to: number }[] = [
    ...t.created.map((c) => ({ phase: 'start' as const, from: c.placedAt, to: c.runningAt })),
    ...t.created.map((c) => ({ phase: 'health' as const, from: c.runningAt, to: c.healthyAt })),
    ...t.created.map((c) => ({ phase: 'lbSwitch' as const, from: c.healthyAt, to: c.servedAt })),
    ...t.stopped.map((s) => ({ phase: 'oldStopped' as const, from: s.stoppingAt, to: s.stoppedAt })),
  ];
  const firstPlaced = t.created.length === 0 ? t.endAt : Math.min(...t.created.map((c) => c.placedAt));
  const clip = (x: number) => Math.min(t.endAt, Math.max(t.calledAt, x));
  const points = [...new Set([t.calledAt, t.endAt, firstPlaced, ...intervals.flatMap((i) => [i.from, i.to])].map(clip))].sort((a, b) => a - b);
  const sums = { placement: 0, start: 0, health: 0, lbSwitch: 0, oldStopped: 0, rest: 0 };
  for (let n = 0; n + 1 < points.length; n++) {
    const [a, b] = [points[n]!, points[n + 1]!];
    const mid = (a + b) / 2;
    const phase = mid < firstPlaced ? 'placement' : (PRIORITY.find((p) => intervals.some((i) => i.phase === p && i.from <= mid && mid < i.to)) ?? 'rest');
    sums[phase] += b - a;
  }
  const total = t.endAt - t.calledAt;
  return { total, net: total - sums.health, ...sums };
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median of each figure over rounds (each on its own, so the medians need not add up). */
export function medianFigures(rounds: readonly DeployFigures[]): DeployFigures {
  const keys = ['total', 'health', 'net', 'placement', 'start', 'lbSwitch', 'oldStopped', 'rest'] as const;
  return Object.fromEntries(keys.map((k) => [k, median(rounds.map((r) => r[k]))])) as unknown as DeployFigures;
}
