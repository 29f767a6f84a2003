import { describe, expect, it } from 'vitest';
import { checkToken } from './check-token.js';

describe('checkToken', () => {
  it.each([
    ['Bearer s3cret-token', true],
    ['bearer s3cret-token', true],
    ['Bearer s3cret-token2', false],
    ['Bearer s3cret', false],
    ['Basic s3cret-token', false],
    ['s3cret-token', false],
    [undefined, false],
  ])('%s → %s', (header, ok) => {
    expect(checkToken(header, 's3cret-token')).toBe(ok);
  });
});
