import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from './reconnect-delay.js';

describe('reconnectDelayMs', () => {
  it.each([
    // failures, random, delay
    [0, 0, 125],
    [0, 0.999_999, 250],
    [1, 0.5, 375],
    [2, 0, 500],
    [3, 1, 2_000],
    [4, 0, 2_500],
    [4, 0.5, 3_750],
    [50, 0.999_999, 5_000],
    [-1, 0, 125],
  ])('after %i failures with random %d waits %i ms', (failures, random, delay) => {
    expect(reconnectDelayMs(failures, random)).toBe(delay);
  });

  it('uses the steps it is given, the last one repeating', () => {
    expect([0, 1, 2, 3].map((n) => reconnectDelayMs(n, 0.5, [20, 40]))).toEqual([15, 30, 30, 30]);
  });

  it('never waits more than the step nor less than half of it, whatever the random number', () => {
    for (let failures = 0; failures < 8; failures++) {
      for (const random of [0, 0.1, 0.5, 0.9, 0.999_999, 1, -3, 7]) {
        const step = [250, 500, 1_000, 2_000, 5_000][Math.min(failures, 4)]!;
        const delay = reconnectDelayMs(failures, random);
        expect(delay).toBeGreaterThanOrEqual(step / 2);
        expect(delay).toBeLessThanOrEqual(step);
      }
    }
  });
});
