/**
 * A secret value as the store keeps it: AES-256-GCM under the key `keyId` of the server's
 * keyring (never in the database), bound to where it belongs (see `secretAad`) so that a value
 * copied onto another name or version in the database does not decrypt.
 */
export interface SealedSecret {
  keyId: string;
  /** base64, 12 bytes. */
  nonce: string;
  /** base64: the ciphertext followed by the 16-byte GCM tag. */
  ciphertext: string;
}

/** The additional authenticated data of one stored value. */
export function secretAad(namespace: string, name: string, version: number): string {
  return `bubo-secret/v1/${namespace}/${name}/${version}`;
}
