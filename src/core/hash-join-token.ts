import { createHash } from 'node:crypto';

/** What the store keeps of a join token's secret: its hex SHA-256 (the secret is 192 random bits, so no salt is needed). */
export function hashJoinToken(token: string): string {
  return createHash('sha256').update(token.trim()).digest('hex');
}
