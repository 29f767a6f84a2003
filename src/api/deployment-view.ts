import { z } from 'zod';

export const DeploymentView = z.object({
  id: z.string(),
  app: z.string(),
  namespace: z.string(),
  from_release: z.number().int().nullable(),
  to_release: z.number().int(),
  status: z.enum(['running', 'succeeded', 'failed', 'superseded']),
  message: z.string(),
  /**
   * Instances of the target release wanted, started (not terminal), running, and healthy (serving:
   * running and passing the health check, or running without one); old ones still live.
   */
  progress: z.object({
    desired: z.number().int(),
    started: z.number().int(),
    running: z.number().int(),
    healthy: z.number().int(),
    old_live: z.number().int(),
  }),
  /** Blue-green: when traffic switched to the new set (ISO time), null before. */
  switched_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type DeploymentView = z.infer<typeof DeploymentView>;
