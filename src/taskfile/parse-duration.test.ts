import { describe, expect, it } from 'vitest';
import { parseDurationMs } from './parse-duration.js';

describe('parseDurationMs', () => {
  it.each([
    ['500ms', 500],
    ['5s', 5000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1h2m3s4ms', 3_723_004],
    ['1.5s', 1500],
    ['0s', 0],
    ['0.0001s', 1],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each([
    ['10', 'duration "10" has no unit; write "10s"'],
    ['', 'is not a duration'],
    ['5 s', 'is not a duration'],
    ['-5s', 'is not a duration'],
    ['5d', 'is not a duration'],
    ['1m30', 'is not a duration'],
    ['s', 'is not a duration'],
  ])('rejects %j saying %j', (text, message) => {
    expect(() => parseDurationMs(text)).toThrow(message);
  });

  it('parses again correctly after a failure', () => {
    expect(() => parseDurationMs('1m30')).toThrow();
    expect(parseDurationMs('2s')).toBe(2000);
  });
});
