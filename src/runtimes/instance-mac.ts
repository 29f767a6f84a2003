import { createHash } from 'node:crypto';

/**
 * The guest NIC's MAC address, derived from the instance id so a re-adopted or restarted VM keeps
 * it: `02` (locally administered, unicast) then 5 bytes of SHA-256(id). 40 bits make a clash on
 * one bridge negligible.
 */
export function instanceMac(instanceId: string): string {
  const bytes = createHash('sha256').update(instanceId).digest().subarray(0, 5);
  return ['02', ...[...bytes].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}
