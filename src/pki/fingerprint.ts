import { createHash, X509Certificate } from 'node:crypto';
import { DomainError } from '../errors/domain-error.js';

/**
 * A certificate's identity as bubo prints and compares it: `sha256:` and the lowercase hex SHA-256
 * of its DER bytes (the same digest `openssl x509 -fingerprint -sha256` shows with colons).
 */
export function certFingerprint(cert: string | Buffer): string {
  const der = typeof cert === 'string' ? new X509Certificate(cert).raw : cert;
  return `sha256:${createHash('sha256').update(der).digest('hex')}`;
}

/** Accepts `sha256:HEX`, bare HEX, and colon-separated or uppercase hex; names the flag when it is none of these. */
export function parseFingerprint(text: string, what = '--ca-fingerprint'): string {
  const hex = text.trim().replace(/^sha256:/i, '').replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new DomainError('invalid_config', `${what} "${text}" must be sha256: and 64 hex digits, as "bubo host join-token create" prints it`);
  }
  return `sha256:${hex}`;
}
