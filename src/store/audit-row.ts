import type { Insertable } from 'kysely';
import type { AuditRecord } from '../domain/audit-record.js';
import type { AuditRow, AuditTable } from './database-schema.js';
import { fromNumberColumn as num } from './number-column.js';

/** The database assigns the id. */
export function auditToRow(record: Omit<AuditRecord, 'id'>): Insertable<AuditTable> {
  return { ...record };
}

export function rowToAudit(row: AuditRow): AuditRecord {
  return { ...row, id: num(row.id), at: num(row.at), status: num(row.status) };
}
