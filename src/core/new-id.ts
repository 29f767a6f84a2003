import { randomBytes } from 'node:crypto';

/**
 * Short random ids that are valid DNS labels (`<instance-id>.bubo.internal` must resolve):
 * a readable prefix and 8 hex characters.
 */
export function newId(prefix: string): string {
  const safe = prefix.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40);
  return `${safe}-${randomBytes(4).toString('hex')}`;
}
