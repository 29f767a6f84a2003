import { describe, expect, it } from 'vitest';
import { hostCertTtlOption } from './host-cert-ttl-option.js';

const day = 24 * 3600_000;

describe('hostCertTtlOption', () => {
  it.each([
    [undefined, {}],
    ['30d', { hostCertValidityMs: 30 * day }],
    ['1d12h', { hostCertValidityMs: 36 * 3600_000 }],
    ['720h', { hostCertValidityMs: 30 * day }],
    ['45s', { hostCertValidityMs: 45_000 }],
    ['30s', { hostCertValidityMs: 30_000 }],
    ['6s', { hostCertValidityMs: 6_000 }],
    ['5s', { hostCertValidityMs: 5_000 }],
    ['365d', { hostCertValidityMs: 365 * day }],
  ])('%s → %o', (text, expected) => {
    expect(hostCertTtlOption(text)).toEqual(expected);
  });

  it.each([
    ['soon', /^--host-cert-ttl "soon": "soon" is not a duration/],
    ['30', /^--host-cert-ttl "30": duration "30" has no unit/],
    ['2dx', /^--host-cert-ttl "2dx": "x" is not a duration/],
    ['4s', /^--host-cert-ttl "4s" must be at least 5s/],
    ['4999ms', /^--host-cert-ttl "4999ms" must be at least 5s/],
    ['0d', /^--host-cert-ttl "0d" must be at least 5s/],
    ['-1d', /^--host-cert-ttl "-1d": "-1d" is not a duration/],
    ['', /^--host-cert-ttl "": "" is not a duration/],
    ['366d', /^--host-cert-ttl "366d" must be at most 365d/],
  ])('refuses %s naming the flag', (text, message) => {
    expect(() => hostCertTtlOption(text)).toThrow(message);
  });
});
