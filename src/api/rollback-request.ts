import { z } from 'zod';

/** `to`: the release to go back to; without it, the newest release older than the current one. */
export const RollbackRequest = z.strictObject({
  to: z.number().int().min(1).optional(),
});
export type RollbackRequest = z.infer<typeof RollbackRequest>;
