/** p50 and p99 (nearest rank) of a list of milliseconds, and how many there were. */
export function summarizeLatencies(samples: readonly number[]): { n: number; p50: number; p99: number; max: number } {
  if (samples.length === 0) return { n: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  return { n: sorted.length, p50: rank(0.5), p99: rank(0.99), max: sorted.at(-1)! };
}
