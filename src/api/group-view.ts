import { z } from 'zod';
import { Usage } from './usage.js';

/** Capacity of a group counts hosts that are ready and not cordoned; `hosts` counts all. */
export const GroupView = z.object({
  name: z.string(),
  hosts: z.number().int(),
  ready_hosts: z.number().int(),
  cordoned_hosts: z.number().int(),
  cpus: Usage,
  memory_mib: Usage,
  disk_mib: Usage,
  overcommit: z.number(),
});
export type GroupView = z.infer<typeof GroupView>;

export const GroupList = z.object({ groups: z.array(GroupView) });
export type GroupList = z.infer<typeof GroupList>;
