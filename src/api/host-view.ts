import { z } from 'zod';
import { Usage } from './usage.js';

export const RuntimeView = z.object({
  name: z.string(),
  kind: z.enum(['microvm', 'container']),
  available: z.boolean(),
  reason: z.string().optional(),
  /** How it runs when available, e.g. qemu `tcg: <why not kvm>`. */
  detail: z.string().optional(),
});

export const HostView = z.object({
  id: z.string(),
  name: z.string(),
  group: z.string(),
  address: z.string(),
  subnet: z.string(),
  status: z.enum(['ready', 'down']),
  cordoned: z.boolean(),
  /** Present (true) while `bubo host remove` drains it: its instances move to other hosts. */
  draining: z.boolean().optional(),
  runtimes: z.array(RuntimeView),
  labels: z.record(z.string(), z.string()),
  roles: z.array(z.string()),
  cpus: Usage,
  memory_mib: Usage,
  disk_mib: Usage,
  /** Highest allocated/total ratio over the three resources; above 1 means over-provisioned. */
  overcommit: z.number(),
  instances: z.number().int(),
  last_heartbeat_at: z.string(),
});
export type HostView = z.infer<typeof HostView>;

export const HostList = z.object({ hosts: z.array(HostView) });
export type HostList = z.infer<typeof HostList>;
