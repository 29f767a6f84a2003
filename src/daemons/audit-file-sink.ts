import { appendFile, chmod } from 'node:fs/promises';
import type { AuditRecord } from '../domain/audit-record.js';

/**
 * `bubo server --audit-log FILE`: every audit record also as one JSON line appended to FILE
 * (0600, created when missing), for a site's SIEM to collect (a log shipper, or syslog's file
 * input). Lines are appended in the order the records were stored; a failed write is reported
 * once per failure on stderr and does not stop the API (the database keeps the record).
 */
export function auditFileSink(path: string, report: (line: string) => void): { write: (record: Omit<AuditRecord, 'id'>) => void; idle: () => Promise<void> } {
  let queue = chmod(path, 0o600).catch(() => {});
  return {
    write: (record) => {
      const line = `${JSON.stringify({ ...record, at: new Date(record.at).toISOString() })}\n`;
      queue = queue
        .then(() => appendFile(path, line, { mode: 0o600 }))
        .catch((error: Error) => report(`cannot append to the audit log ${path}: ${error.message}`));
    },
    /** Resolves once every line written so far is appended (or reported). */
    idle: () => queue,
  };
}
