import { describe, expect, it } from 'vitest';
import type { DnsperfResult } from './dnsperf-output.js';
import { summarizeRounds } from './summarize-rounds.js';

const run = (qps: number): DnsperfResult => ({
  queriesSent: qps,
  queriesCompleted: qps,
  queriesLost: 0,
  queriesPerSecond: qps,
  runTimeSeconds: 1,
  responseCodes: {},
  latency: { avgMs: 1, minMs: 0, maxMs: 2, stddevMs: 0 },
});

describe('summarizeRounds', () => {
  it.each([
    { name: 'one round', rounds: [[50, 25]], bubo: 50, dnsmasq: 25, ratio: 2 },
    // The slowed second round drags neither median; the ratio is the middle per-round one.
    { name: 'three rounds, one slowed', rounds: [[50, 40], [20, 30], [60, 40]], bubo: 50, dnsmasq: 40, ratio: 1.25 },
    { name: 'two rounds: the lower median', rounds: [[40, 40], [60, 30]], bubo: 40, dnsmasq: 30, ratio: 1 },
  ])('keeps medians with $name', ({ rounds, bubo, dnsmasq, ratio }) => {
    const summary = summarizeRounds(rounds.map(([b, d]) => ({ bubo: run(b!), dnsmasq: run(d!) })));
    expect(summary.bubo.queriesPerSecond).toBe(bubo);
    expect(summary.dnsmasq.queriesPerSecond).toBe(dnsmasq);
    expect(summary.ratioQps).toBeCloseTo(ratio, 12);
  });

  it('refuses no rounds at all', () => {
    expect(() => summarizeRounds([])).toThrow('no rounds to summarize');
  });
});
