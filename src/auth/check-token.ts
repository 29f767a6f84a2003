import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares a bearer header with the expected token in constant time (hashing equalises lengths). */
export function checkToken(header: string | undefined, expected: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(match[1]!), digest(expected));
}
