import type { ApiTokenView } from '../api/api-token.js';
import type { ApiToken } from '../domain/api-token.js';

export function apiTokenView(token: ApiToken): ApiTokenView {
  return {
    id: token.id,
    name: token.name,
    role: token.role,
    namespaces: token.namespaces,
    grants: token.grants,
    expires_at: token.expiresAt === null ? null : new Date(token.expiresAt).toISOString(),
    revoked: token.revoked,
    created_at: new Date(token.createdAt).toISOString(),
    created_by: token.createdBy,
  };
}
