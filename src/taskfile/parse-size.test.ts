import { describe, expect, it } from 'vitest';
import { parseSizeMib } from './parse-size.js';

describe('parseSizeMib', () => {
  it.each([
    ['512MiB', 512],
    ['2GiB', 2048],
    ['1.5GiB', 1536],
    ['256M', 256],
    ['1G', 1024],
    ['1T', 1024 * 1024],
    ['1TiB', 1024 * 1024],
    ['1024KiB', 1],
    ['1KiB', 1],
    ['1025K', 2],
    ['0.1GiB', 103],
    ['0GiB', 0],
    [' 64 MiB ', 64],
  ])('reads %j as %d MiB', (text, mib) => {
    expect(parseSizeMib(text)).toBe(mib);
  });

  it.each([
    ['512', 'size "512" has no unit; write "512MiB"'],
    ['512MB', 'unknown unit "MB"'],
    ['-1GiB', 'is not a size'],
    ['GiB', 'is not a size'],
    ['', 'is not a size'],
    ['1e3MiB', 'is not a size'],
    [`${'9'.repeat(400)}TiB`, 'too large'],
  ])('rejects %j saying %j', (text, message) => {
    expect(() => parseSizeMib(text)).toThrow(message);
  });
});
