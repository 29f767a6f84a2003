import type { webcrypto } from 'node:crypto';
import { subtle, x509 } from './x509.js';

/** Every bubo key: ECDSA on P-256, signed with SHA-256 (small certificates, fast handshakes). */
type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

export const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;

export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return await subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

/** The private key as PKCS#8 PEM, the form Node's TLS takes as `key`. */
export async function privateKeyToPem(key: CryptoKey): Promise<string> {
  const der = await subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/** A key pair back from its PKCS#8 PEM (the public half is derived through a JWK without `d`). */
export async function keyPairFromPem(pem: string): Promise<CryptoKeyPair> {
  const der = x509.PemConverter.decodeFirst(pem);
  const privateKey = await subtle.importKey('pkcs8', der, KEY_ALGORITHM, true, ['sign']);
  const { d: _private, ...jwk } = await subtle.exportKey('jwk', privateKey);
  const publicKey = await subtle.importKey('jwk', { ...jwk, key_ops: ['verify'] }, KEY_ALGORITHM, true, ['verify']);
  return { privateKey, publicKey };
}
