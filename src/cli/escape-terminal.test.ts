import { describe, expect, it } from 'vitest';
import { escapeTerminal } from './escape-terminal.js';

describe('escapeTerminal', () => {
  it.each([
    ['clear screen', 'boom \u001b[2J done', 'boom \\u001b[2J done'],
    ['carriage return', 'ok\rFAKE', 'ok\\u000dFAKE'],
    ['NUL and DEL', 'a\u0000b\u007f', 'a\\u0000b\\u007f'],
    ['8-bit CSI', 'x\u009b31m', 'x\\u009b31m'],
    ['tab and newline kept', 'a\tb\nc', 'a\tb\nc'],
    ['plain and non-ASCII text kept', 'café 🦉', 'café 🦉'],
  ])('%s', (_what, input, expected) => {
    expect(escapeTerminal(input)).toBe(expected);
  });

  it('keeps JSON valid and its meaning unchanged', () => {
    const value = { message: 'a\u009bb\u001b[2J' };
    expect(JSON.parse(escapeTerminal(JSON.stringify(value)))).toEqual(value);
  });
});
