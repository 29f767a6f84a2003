import { z } from 'zod';

export const ScaleRequest = z.strictObject({
  count: z.number().int().min(0).max(10_000),
  force: z.boolean().optional(),
});
export type ScaleRequest = z.infer<typeof ScaleRequest>;
