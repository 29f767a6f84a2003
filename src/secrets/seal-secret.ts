import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SealedSecret } from './sealed-secret.js';
import { SecretKeyError } from './secret-key-error.js';

const ALGORITHM = 'aes-256-gcm';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** Encrypts `value` under `key` (32 bytes), authenticating `aad` with it; a fresh random nonce each time. */
export function sealSecret(key: { id: string; bytes: Buffer }, aad: string, value: string): SealedSecret {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(ALGORITHM, key.bytes, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { keyId: key.id, nonce: nonce.toString('base64'), ciphertext: body.toString('base64') };
}

/**
 * The value sealed by `sealSecret` with the same key and `aad`. Throws `SecretKeyError` when it
 * does not authenticate (another key, another aad, a changed byte): never returns garbage.
 */
export function openSecret(keyBytes: Buffer, aad: string, sealed: SealedSecret): string {
  const nonce = Buffer.from(sealed.nonce, 'base64');
  const body = Buffer.from(sealed.ciphertext, 'base64');
  if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) throw new SecretKeyError('a stored secret is malformed');
  try {
    const decipher = createDecipheriv(ALGORITHM, keyBytes, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretKeyError(`a stored secret does not decrypt with key ${sealed.keyId} (a changed key file or a changed database row)`);
  }
}
