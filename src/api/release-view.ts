import { z } from 'zod';

export const ReleaseView = z.object({
  version: z.number().int(),
  current: z.boolean(),
  images: z.array(z.string()),
  count: z.number().int(),
  warnings: z.array(z.string()),
  /** Secret name → the version this release runs. */
  secrets: z.record(z.string(), z.number().int()),
  created_at: z.string(),
});
export type ReleaseView = z.infer<typeof ReleaseView>;

export const ReleaseList = z.object({ app: z.string(), namespace: z.string(), releases: z.array(ReleaseView) });
export type ReleaseList = z.infer<typeof ReleaseList>;
