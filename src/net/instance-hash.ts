import { createHash } from 'node:crypto';

/**
 * A short stable name fragment for an instance id: 10 hex digits of its SHA-256. Interface
 * names are limited to 15 characters, so `bv` + hash (12) fits where the id itself would not.
 */
export function instanceHash(instanceId: string): string {
  return createHash('sha256').update(instanceId).digest('hex').slice(0, 10);
}
