import type { JoinToken } from '../domain/join-token.js';
import { JoinTokenError } from '../errors/join-token-error.js';

/**
 * Why `token` cannot be used at `now` to join (`group`, when the agent names one), or undefined
 * when it can. The messages tell the agent's operator what to ask the admin for.
 */
export function checkJoinToken(token: JoinToken | undefined, now: number, group?: string): JoinTokenError | undefined {
  const fresh = 'ask the admin for a new one ("bubo host join-token create")';
  if (!token) return new JoinTokenError('unknown', `join token not recognised: it was mistyped, or the server has another state directory; ${fresh}`);
  if (token.revoked) return new JoinTokenError('revoked', `join token ${token.id} was revoked; ${fresh}`);
  if (now >= token.expiresAt) return new JoinTokenError('expired', `join token ${token.id} expired at ${new Date(token.expiresAt).toISOString()}; ${fresh}`);
  if (token.usesLeft <= 0) return new JoinTokenError('used_up', `join token ${token.id} has been used already (no uses left); ${fresh}`);
  if (group !== undefined && group !== token.group) {
    return new JoinTokenError('wrong_group', `join token ${token.id} is for group "${token.group}", not "${group}"; drop --group (the token decides) or use a token for "${group}"`);
  }
  return undefined;
}
