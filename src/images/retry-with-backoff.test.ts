import { describe, expect, it } from 'vitest';
import { retryWithBackoff } from './retry-with-backoff.js';

describe('retryWithBackoff', () => {
  it('retries transient errors once per delay, then rethrows the last one', async () => {
    const seen: number[] = [];
    const failing = retryWithBackoff(async (n) => { seen.push(n); throw new Error(`try ${n}`); }, () => true, [1, 1, 1]);
    await expect(failing).rejects.toThrow('try 4');
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('does not retry an error that will not change', async () => {
    let calls = 0;
    await expect(retryWithBackoff(async () => { calls++; throw new Error('not found'); }, () => false, [1, 1])).rejects.toThrow('not found');
    expect(calls).toBe(1);
  });

  it('returns the first success', async () => {
    expect(await retryWithBackoff(async (n) => { if (n < 2) throw new Error('down'); return n; }, () => true, [1, 1])).toBe(2);
  });
});
