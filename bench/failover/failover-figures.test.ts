import { describe, expect, it } from 'vitest';
import { failoverFigures } from './failover-figures.js';

describe('failoverFigures', () => {
  it.each([
    // cut, down, placed, healthy, serving, ttl, replace after → total, ratio, meets goal
    [1_000, 20_500, 51_000, 53_000, 54_000, 20_000, 30_000, 53_000, 2.65, false],
    [1_000, 10_200, 10_400, 12_900, 13_500, 10_000, 0, 12_500, 1.25, true],
    [0, 8_000, 8_100, 19_000, 20_000, 8_000, 0, 20_000, 2.5, false],
  ])('cut %i … serving %i with a %i ms TTL', (cut, down, placed, healthy, serving, ttl, replaceAfter, total, ratio, meets) => {
    const figures = failoverFigures({ cut, down, placed, healthy, serving }, ttl, replaceAfter);
    expect(figures).toMatchObject({ total_ms: total, ratio_to_ttl: ratio, meets_goal: meets, down_ms: down - cut, placed_ms: placed - cut, healthy_ms: healthy - cut });
  });
});
