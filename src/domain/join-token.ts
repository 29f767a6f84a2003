/**
 * A join token lets a machine join one group (with the token's labels and roles) `usesLeft` more
 * times until `expiresAt`. Only the SHA-256 of the secret is stored; the secret is shown once.
 */
export interface JoinToken {
  id: string;
  /** Hex SHA-256 of the secret. */
  tokenHash: string;
  group: string;
  labels: Record<string, string>;
  roles: string[];
  usesLeft: number;
  expiresAt: number;
  revoked: boolean;
  createdAt: number;
}
