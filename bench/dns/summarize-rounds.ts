import type { DnsperfResult } from './dnsperf-output.js';

/** One round: each server measured once, back to back. */
export type Round = Record<'bubo' | 'dnsmasq', DnsperfResult>;

export interface RoundsSummary {
  /** Each server's run of median QPS over the rounds (its lost and latency figures with it). */
  bubo: DnsperfResult;
  dnsmasq: DnsperfResult;
  /** Median over rounds of bubo QPS / dnsmasq QPS in the same round. */
  ratioQps: number;
}

const median = <T>(xs: readonly T[], key: (x: T) => number): T => {
  if (xs.length === 0) throw new Error('no rounds to summarize');
  return [...xs].sort((a, b) => key(a) - key(b))[Math.floor((xs.length - 1) / 2)]!;
};

/**
 * On a small shared machine one run can be slowed by anything else running, so the bench
 * measures both servers in each of several rounds and keeps medians; the ratio is taken per
 * round, where both saw about the same machine. An even count takes the lower median.
 */
export function summarizeRounds(rounds: readonly Round[]): RoundsSummary {
  const qps = (r: DnsperfResult) => r.queriesPerSecond;
  return {
    bubo: median(
      rounds.map((r) => r.bubo),
      qps,
    ),
    dnsmasq: median(
      rounds.map((r) => r.dnsmasq),
      qps,
    ),
    ratioQps: median(
      rounds.map((r) => r.bubo.queriesPerSecond / r.dnsmasq.queriesPerSecond),
      (x) => x,
    ),
  };
}
