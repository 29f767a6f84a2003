import { describe, expect, it } from 'vitest';
import { formatMs } from './format-ms.js';

describe('formatMs', () => {
  it.each([
    [20, '20ms'],
    [1500, '1500ms'],
    [2000, '2s'],
    [59_000, '59s'],
    [60_000, '1m'],
    [90_000, '1m30s'],
  ])('%i ms reads %s', (ms, expected) => {
    expect(formatMs(ms)).toBe(expected);
  });
});
