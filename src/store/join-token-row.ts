import type { JoinToken } from '../domain/join-token.js';
import { fromBoolColumn, toBoolColumn } from './bool-column.js';
import type { JoinTokenRow } from './database-schema.js';
import { fromJsonColumn, toJsonColumn } from './json-column.js';
import { fromNumberColumn as num } from './number-column.js';

export function joinTokenToRow(token: JoinToken): JoinTokenRow {
  return {
    id: token.id,
    token_hash: token.tokenHash,
    group_name: token.group,
    labels: toJsonColumn(token.labels),
    roles: toJsonColumn(token.roles),
    uses_left: token.usesLeft,
    expires_at: token.expiresAt,
    revoked: toBoolColumn(token.revoked),
    created_at: token.createdAt,
  };
}

export function rowToJoinToken(row: JoinTokenRow): JoinToken {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    group: row.group_name,
    labels: fromJsonColumn<Record<string, string>>(row.labels),
    roles: fromJsonColumn<string[]>(row.roles),
    usesLeft: num(row.uses_left),
    expiresAt: num(row.expires_at),
    revoked: fromBoolColumn(row.revoked),
    createdAt: num(row.created_at),
  };
}
