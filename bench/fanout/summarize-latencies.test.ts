import { describe, expect, it } from 'vitest';
import { summarizeLatencies } from './summarize-latencies.js';

describe('summarizeLatencies', () => {
  it.each([
    { samples: [5], p50: 5, p99: 5, max: 5 },
    { samples: [4, 1, 3, 2], p50: 2, p99: 4, max: 4 },
    { samples: Array.from({ length: 100 }, (_, n) => n + 1), p50: 50, p99: 99, max: 100 },
  ])('nearest-rank percentiles of $samples.length samples', ({ samples, p50, p99, max }) => {
    expect(summarizeLatencies(samples)).toEqual({ n: samples.length, p50, p99, max });
  });

  it('says NaN for no samples rather than a made-up zero', () => {
    expect(summarizeLatencies([]).p99).toBeNaN();
  });
});
