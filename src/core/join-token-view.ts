import type { JoinTokenView } from '../api/join-token.js';
import type { JoinToken } from '../domain/join-token.js';

export function joinTokenView(token: JoinToken): JoinTokenView {
  return {
    id: token.id,
    group: token.group,
    labels: token.labels,
    roles: token.roles,
    uses_left: token.usesLeft,
    expires_at: new Date(token.expiresAt).toISOString(),
    revoked: token.revoked,
    created_at: new Date(token.createdAt).toISOString(),
  };
}
