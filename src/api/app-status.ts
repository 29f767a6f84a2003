import { z } from 'zod';
import { DeploymentView } from './deployment-view.js';

export const InstanceView = z.object({
  id: z.string(),
  host: z.string(),
  release: z.number().int(),
  slot: z.number().int(),
  desired: z.enum(['run', 'stop']),
  state: z.enum(['pending', 'starting', 'running', 'stopping', 'unknown', 'stopped', 'failed', 'lost']),
  address: z.string().nullable(),
  message: z.string(),
  /** `none` without a [check]; `unknown` until it passes; `healthy` / `unhealthy`. */
  health: z.enum(['none', 'unknown', 'healthy', 'unhealthy']),
  /** The failing check's output, when there is one. */
  health_message: z.string(),
});
export type InstanceView = z.infer<typeof InstanceView>;

export const AppStatus = z.object({
  name: z.string(),
  namespace: z.string(),
  group: z.string(),
  release: z.number().int().nullable(),
  /** Instances wanted now: 0 while stopped. */
  desired: z.number().int(),
  running: z.number().int(),
  /** Running and passing the health check (or running without one): what DNS and the load balancer list. */
  healthy: z.number().int(),
  count: z.number().int(),
  stopped: z.boolean(),
  destroying: z.boolean(),
  deployment: DeploymentView.nullable(),
  /** Live instances (not yet stopped, failed or lost), plus those that ended in the last minutes. */
  instances: z.array(InstanceView),
});
export type AppStatus = z.infer<typeof AppStatus>;

export const AppStatusList = z.object({ apps: z.array(AppStatus) });
export type AppStatusList = z.infer<typeof AppStatusList>;
