import { describe, expect, it } from 'vitest';
import { formatBytes, formatMib, formatNumber } from './format-size.js';

describe('formatMib', () => {
  it.each([
    [0, '0 MiB'],
    [512, '512 MiB'],
    [1024, '1 GiB'],
    [1536, '1.5 GiB'],
    [16384, '16 GiB'],
    [1024 * 1024 * 2.25, '2.3 TiB'],
  ])('writes %d MiB as %s', (mib, text) => {
    expect(formatMib(mib)).toBe(text);
  });

  it('drops trailing zeros from plain numbers', () => {
    expect([formatNumber(2), formatNumber(0.5), formatNumber(1.256)]).toEqual(['2', '0.5', '1.26']);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [3277, '3.2 KiB'],
    [5 * 1024 * 1024, '5 MiB'],
    [1.5 * 1024 ** 3, '1.5 GiB'],
  ])('writes %d bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
