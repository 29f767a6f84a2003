/** What a person's or robot's token may do (see docs/users.md): checked per route in one place. */
export const ROLES = ['admin', 'operator', 'deployer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
export const GRANTS = ['logs'] as const;
export type Grant = (typeof GRANTS)[number];

/**
 * A token of a person or robot (`bubo token create`). Only the SHA-256 of the secret is stored;
 * the secret is shown once. `namespaces` scopes a deployer (at least one) or a viewer (none:
 * every namespace); admin and operator act on every namespace.
 */
export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  namespaces: string[];
  /** What a viewer gets beyond reading: `logs` (the output of its namespaces' apps). */
  grants: Grant[];
  /** Hex SHA-256 of the secret. */
  tokenHash: string;
  /** null: no expiry. */
  expiresAt: number | null;
  revoked: boolean;
  createdAt: number;
  createdBy: string;
}
