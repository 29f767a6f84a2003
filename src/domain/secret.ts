/**
 * One version of a secret of a namespace, as stored: the value only encrypted (AES-256-GCM under
 * `keyId`, a key of the server's key file, never in the database). Setting a secret adds a
 * version; releases record the versions they run, so a rollout and a rollback are exact.
 */
export interface StoredSecret {
  namespace: string;
  name: string;
  version: number;
  sealed: { keyId: string; nonce: string; ciphertext: string };
  createdAt: number;
  /** Who set it (token name), for `bubo secret ls`. */
  createdBy: string;
}
