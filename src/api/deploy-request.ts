import { z } from 'zod';
import { DeploymentView } from './deployment-view.js';

/** The task file travels as TOML text so the server reports errors with the file's own lines. */
export const DeployRequest = z.strictObject({
  task: z.string().max(256 * 1024),
  filename: z.string().max(4096).optional(),
  force: z.boolean().optional(),
});
export type DeployRequest = z.infer<typeof DeployRequest>;

export const DeployResponse = z.object({
  app: z.string(),
  namespace: z.string(),
  release: z.number().int(),
  deployment: DeploymentView,
  warnings: z.array(z.string()),
});
export type DeployResponse = z.infer<typeof DeployResponse>;
