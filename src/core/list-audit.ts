import type { AuditRecordView } from '../api/audit-view.js';
import type { AuditRecord } from '../domain/audit-record.js';
import type { CoreContext } from './core-context.js';

export function auditView(record: AuditRecord): AuditRecordView {
  return { ...record, at: new Date(record.at).toISOString() };
}

/** `bubo audit`: the newest records (oldest first), by actor and time when asked. */
export async function listAudit(ctx: CoreContext, filter: { actor?: string | undefined; since?: number | undefined; limit?: number | undefined }) {
  const records = await ctx.store.listAudit({
    ...(filter.actor === undefined ? {} : { actor: filter.actor }),
    ...(filter.since === undefined ? {} : { since: filter.since }),
    ...(filter.limit === undefined ? {} : { limit: filter.limit }),
  });
  return { records: records.map(auditView) };
}
