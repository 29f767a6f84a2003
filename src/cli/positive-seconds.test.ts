import { describe, expect, it } from 'vitest';
import { positiveSeconds } from './positive-seconds.js';

describe('positiveSeconds', () => {
  it.each([
    ['600', 600],
    ['1', 1],
    [' 30 ', 30],
  ])('reads %j as %d s', (text, seconds) => {
    expect(positiveSeconds('--timeout', text)).toBe(seconds);
  });

  it.each(['0', '-5', '1.5', 'ten', '10m', ''])('refuses %j, naming the flag', (text) => {
    expect(() => positiveSeconds('--timeout', text)).toThrow(`--timeout "${text}" must be a whole number of seconds, at least 1`);
  });
});
