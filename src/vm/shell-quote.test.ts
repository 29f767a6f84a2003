import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shellQuote, shellQuoteList } from './shell-quote.js';

const words = ['plain', '', 'two words', "it's", '$HOME `id` $(id) \\n', 'line1\nline2', '"double"', '*', "''", 'ü'];

describe('shellQuote', () => {
  it('single-quotes and escapes single quotes', () => {
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('')).toBe("''");
  });

  it('refuses a NUL byte', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });

  it.runIf(existsSync('/bin/busybox'))('gives busybox sh back every word exactly through eval "set -- $list"', () => {
    const script = `eval "set -- $1"; for a do printf '%s\\0' "$a"; done`;
    const out = execFileSync('/bin/busybox', ['sh', '-c', script, 'sh', shellQuoteList(words)], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(words);
  });
});
