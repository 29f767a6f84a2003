import type { ApiToken, Grant, Role } from '../domain/api-token.js';
import { fromBoolColumn, toBoolColumn } from './bool-column.js';
import type { ApiTokenRow } from './database-schema.js';
import { fromJsonColumn, toJsonColumn } from './json-column.js';
import { fromNumberColumn as num } from './number-column.js';

export function apiTokenToRow(token: ApiToken): ApiTokenRow {
  return {
    id: token.id,
    name: token.name,
    role: token.role,
    namespaces: toJsonColumn(token.namespaces),
    grants: toJsonColumn(token.grants),
    token_hash: token.tokenHash,
    expires_at: token.expiresAt,
    revoked: toBoolColumn(token.revoked),
    created_at: token.createdAt,
    created_by: token.createdBy,
  };
}

export function rowToApiToken(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    namespaces: fromJsonColumn<string[]>(row.namespaces),
    grants: fromJsonColumn<Grant[]>(row.grants),
    tokenHash: row.token_hash,
    expiresAt: row.expires_at === null ? null : num(row.expires_at),
    revoked: fromBoolColumn(row.revoked),
    createdAt: num(row.created_at),
    createdBy: row.created_by,
  };
}
