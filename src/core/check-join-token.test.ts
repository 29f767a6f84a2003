import { describe, expect, it } from 'vitest';
import type { JoinToken } from '../domain/join-token.js';
import { checkJoinToken } from './check-join-token.js';

const now = Date.parse('2026-12-02T12:00:00Z');
const token: JoinToken = { id: 'jt-1', tokenHash: 'h', group: 'web', labels: {}, roles: [], usesLeft: 1, expiresAt: now + 1000, revoked: false, createdAt: now - 1000 };

describe('checkJoinToken', () => {
  it.each([
    ['an unknown token', undefined, now, undefined, 'unknown'],
    ['a revoked token', { ...token, revoked: true }, now, undefined, 'revoked'],
    ['an expired token, at its expiry', token, now + 1000, undefined, 'expired'],
    ['a used-up token', { ...token, usesLeft: 0 }, now, undefined, 'used_up'],
    ['a token of another group', token, now, 'db', 'wrong_group'],
    ['a revoked token that is also expired: revoked is what the admin did', { ...token, revoked: true }, now + 5000, undefined, 'revoked'],
  ] as const)('refuses %s', (_what, t, at, group, problem) => {
    expect(checkJoinToken(t, at, group)?.problem).toBe(problem);
  });

  it.each([
    ['without a group', undefined],
    ['with its own group', 'web'],
  ])('accepts a fresh token with uses left %s', (_what, group) => {
    expect(checkJoinToken(token, now + 999, group)).toBeUndefined();
  });

  it('names the token and the fix in the message', () => {
    expect(checkJoinToken({ ...token, usesLeft: 0 }, now)?.message).toMatch(/jt-1 has been used already.*bubo host join-token create/);
    expect(checkJoinToken(token, now, 'db')?.message).toMatch(/for group "web", not "db"; drop --group/);
  });
});
