import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSecret, sealSecret } from './seal-secret.js';
import { secretAad } from './sealed-secret.js';
import { SecretKeyError } from './secret-key-error.js';

const key = { id: 'k1', bytes: randomBytes(32) };
const aad = secretAad('shop', 'DB_PASSWORD', 3);

describe('sealSecret / openSecret', () => {
  it.each(['', 'p', "multi\nline 'quoted' \"value\"", 'ünïcödé ✓', 'x'.repeat(64 * 1024)])('round-trips %j', (value) => {
    const sealed = sealSecret(key, aad, value);
    expect(sealed.keyId).toBe('k1');
    expect(openSecret(key.bytes, aad, sealed)).toBe(value);
  });

  it('uses a fresh nonce each time, so equal values do not look equal', () => {
    const a = sealSecret(key, aad, 'same');
    const b = sealSecret(key, aad, 'same');
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(Buffer.from(a.ciphertext, 'base64').toString('utf8')).not.toContain('same');
  });

  const sealed = sealSecret(key, aad, 'hunter2');
  const flipped = Buffer.from(sealed.ciphertext, 'base64');
  flipped[0] = (flipped[0] as number) ^ 1;
  const tag = Buffer.from(sealed.ciphertext, 'base64');
  tag[tag.length - 1] = (tag[tag.length - 1] as number) ^ 1;
  it.each([
    ['another key', randomBytes(32), aad, sealed],
    ['another name', key.bytes, secretAad('shop', 'OTHER', 3), sealed],
    ['another namespace', key.bytes, secretAad('billing', 'DB_PASSWORD', 3), sealed],
    ['another version', key.bytes, secretAad('shop', 'DB_PASSWORD', 2), sealed],
    ['a changed ciphertext byte', key.bytes, aad, { ...sealed, ciphertext: flipped.toString('base64') }],
    ['a changed tag byte', key.bytes, aad, { ...sealed, ciphertext: tag.toString('base64') }],
    ['a truncated value', key.bytes, aad, { ...sealed, ciphertext: 'AAAA' }],
    ['a short nonce', key.bytes, aad, { ...sealed, nonce: 'AAAA' }],
  ])('refuses %s with a SecretKeyError that names no value', (_what, bytes, withAad, value) => {
    let error: unknown;
    try {
      openSecret(bytes, withAad, value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SecretKeyError);
    expect((error as Error).message).not.toContain('hunter2');
  });
});
