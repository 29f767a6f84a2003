import type { Resources } from '../domain/resources.js';
import type { HostRuntime } from '../domain/runtime-kind.js';

/**
 * What the scheduler may read about one host. It is a copy taken by the caller; the scheduler never
 * mutates it, so the same snapshot can be scheduled against many times (dry runs, retries).
 */
export interface SchedulerHost {
  id: string;
  name: string;
  group: string;
  cordoned: boolean;
  status: 'ready' | 'down';
  runtimes: HostRuntime[];
  capacity: Resources;
  /** Sum of the resources of every live instance on the host, of every app. */
  allocated: Resources;
  /** Live instances per appId on this host; the spread rule reads it. */
  appCounts: ReadonlyMap<string, number>;
}

export interface SchedulerSnapshot {
  hosts: SchedulerHost[];
}
