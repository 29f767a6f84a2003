import { describe, expect, it } from 'vitest';
import { hostTtlOptions } from './host-ttl-options.js';

describe('hostTtlOptions', () => {
  it.each([
    [undefined, {}],
    ['20s', { hostTtlMs: 20_000, heartbeatIntervalMs: 5_000 }],
    ['4s', { hostTtlMs: 4_000, heartbeatIntervalMs: 1_000 }],
  ])('%s → %o', (text, expected) => {
    expect(hostTtlOptions(text)).toEqual(expected);
  });

  it.each([
    ['soon', /--host-ttl "soon"/],
    ['500ms', /--host-ttl "500ms" must be at least 1s/],
  ])('refuses %s naming the flag', (text, message) => {
    expect(() => hostTtlOptions(text)).toThrow(message);
  });
});
