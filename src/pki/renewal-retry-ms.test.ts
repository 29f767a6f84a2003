import { describe, expect, it } from 'vitest';
import { renewalRetryMs } from './renewal-retry-ms.js';

const day = 24 * 3600_000;

describe('renewalRetryMs', () => {
  it.each([
    ['a 30-day certificate (the default)', 30 * day, 60_000],
    ['a 10-minute certificate', 600_000, 60_000],
    ['a 5-minute certificate', 300_000, 30_000],
    ['a 6-second certificate back-dated 0.6 s (--host-cert-ttl 6s)', 6_600, 660],
    ['the shortest, 5 s back-dated 0.5 s', 5_500, 550],
    ['a zero validity (never signed; the floor keeps the loop from spinning)', 0, 100],
    ['an inverted validity', -1, 100],
  ])('%s (%d ms) is checked every %d ms', (_what, lifetime, expected) => {
    expect(renewalRetryMs({ notBefore: 1_000, notAfter: 1_000 + lifetime })).toBe(expected);
  });
});
