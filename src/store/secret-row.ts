import type { StoredSecret } from '../domain/secret.js';
import type { SecretRow } from './database-schema.js';
import { fromNumberColumn as num } from './number-column.js';

export function secretToRow(secret: StoredSecret): SecretRow {
  return {
    namespace: secret.namespace,
    name: secret.name,
    version: secret.version,
    key_id: secret.sealed.keyId,
    nonce: secret.sealed.nonce,
    ciphertext: secret.sealed.ciphertext,
    created_at: secret.createdAt,
    created_by: secret.createdBy,
  };
}

export function rowToSecret(row: SecretRow): StoredSecret {
  return {
    namespace: row.namespace,
    name: row.name,
    version: num(row.version),
    sealed: { keyId: row.key_id, nonce: row.nonce, ciphertext: row.ciphertext },
    createdAt: num(row.created_at),
    createdBy: row.created_by,
  };
}
