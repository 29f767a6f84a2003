import { describe, expect, it } from 'vitest';
import { renewalDue } from './renewal-due.js';

const day = 24 * 3600_000;
const validity = { notBefore: 0, notAfter: 30 * day };

describe('renewalDue', () => {
  it.each([
    ['just issued', 0, false],
    ['half way', 15 * day, false],
    ['with exactly a third left', 20 * day, false],
    ['with a moment less than a third left', 20 * day + 1, true],
    ['a day before expiry', 29 * day, true],
    ['expired', 31 * day, true],
  ])('%s: %s', (_what, now, due) => {
    expect(renewalDue(validity, now)).toBe(due);
  });
});
