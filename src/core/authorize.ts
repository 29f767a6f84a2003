import type { Access } from '../api/access.js';
import type { Role } from '../domain/api-token.js';

export interface TokenGrant {
  name: string;
  role: Role;
  /** Empty: every namespace (admin, operator, an unscoped viewer). */
  namespaces: readonly string[];
  /** A viewer's extras: `logs`. */
  grants?: readonly string[];
}

const NAMESPACED: ReadonlySet<Access> = new Set(['logs', 'deploy', 'secrets']);

/** Whether the grant reaches namespace `namespace` (null: the call names none). */
export function seesNamespace(grant: TokenGrant, namespace: string | null): boolean {
  return grant.namespaces.length === 0 || namespace === null || grant.namespaces.includes(namespace);
}

/**
 * The one permission rule of the API (docs/users.md): null when a user token may make the call,
 * else the refusal, naming the role the call needs. `namespace` is the one the call acts on
 * (path, query or task file), null when it names none.
 *   admin: everything but the agent routes; operator: read, logs, operate (every namespace);
 *   deployer: read, and logs, deploy, secrets in its namespaces; viewer: read (in its namespaces
 *   when it has some), logs too when granted. Agent routes take a host certificate (or the bootstrap admin token).
 */
export function authorize(grant: TokenGrant, access: Access, namespace: string | null): string | null {
  if (access === 'public') return null;
  const allowed = (() => {
    switch (grant.role) {
      case 'admin':
        return access !== 'agent';
      case 'operator':
        return access === 'read' || access === 'logs' || access === 'operate';
      case 'deployer':
        return (access === 'read' || NAMESPACED.has(access)) && seesNamespace(grant, namespace);
      case 'viewer':
        return (access === 'read' || (access === 'logs' && (grant.grants ?? []).includes('logs'))) && seesNamespace(grant, namespace);
    }
  })();
  if (allowed) return null;
  const scope = grant.namespaces.length > 0 ? ` of ${grant.namespaces.join(', ')}` : '';
  return `token ${grant.name} (${grant.role}${scope}) may not make this call: it needs ${needs(access, namespace)}`;
}

function needs(access: Access, namespace: string | null): string {
  const where = namespace === null ? '' : ` of namespace ${namespace}`;
  switch (access) {
    case 'read':
      return `role viewer${where} or above`;
    case 'logs':
    case 'deploy':
    case 'secrets':
      return `role deployer${where}, or admin${access === 'logs' ? ' or operator' : ''}`;
    case 'operate':
      return 'role operator or admin';
    case 'admin':
      return 'role admin';
    case 'agent':
      return 'a host certificate';
    case 'public':
      return 'nothing';
  }
}
