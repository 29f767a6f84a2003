import { z } from 'zod';

export const AuditQuery = z.strictObject({
  actor: z.string().max(300).optional(),
  /** Only records at or after this time: milliseconds since the epoch. */
  since: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
});

export const AuditRecordView = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  role: z.string(),
  method: z.string(),
  route: z.string().nullable(),
  target: z.string(),
  status: z.number().int(),
  code: z.string().nullable(),
});
export type AuditRecordView = z.infer<typeof AuditRecordView>;

export const AuditList = z.object({ records: z.array(AuditRecordView) });
