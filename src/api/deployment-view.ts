import { z } from 'zod';

export const DeploymentView = z.object({
  id: z.string(),
  app: z.string(),
  namespace: z.string(),
  from_release: z.number().int().nullable(),
  to_release: z.number().int(),
  status: z.enum(['running', 'succeeded', 'failed', 'superseded']),
  message: z.string(),
  /** Instances of the target release wanted, started (not terminal) and running; old ones still live. */
  progress: z.object({
    desired: z.number().int(),
    started: z.number().int(),
    running: z.number().int(),
    old_live: z.number().int(),
  }),
  created_at: z.string(),
  updated_at: z.string(),
});
export type DeploymentView = z.infer<typeof DeploymentView>;
