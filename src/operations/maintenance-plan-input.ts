import type { Resources } from '../domain/resources.js';

/**
 * What `planMaintenance` reads: an immutable snapshot of one host group and the apps that run on
 * it, taken when the operation is planned. Nothing here is looked up later.
 */
export interface MaintenanceHost {
  id: string;
  name: string;
  /** Heartbeats arrive (status ready). */
  ready: boolean;
  /** Cordoned before the operation: receives no replacement. */
  cordoned: boolean;
  /** Capacity minus what is allocated on it now. */
  free: Resources;
  /** Runtime kinds it can run now, e.g. ['runc'] or ['microvm','runc'] (an instance needs its `runtime` here). */
  runtimes: string[];
}

export interface MaintenanceInstance {
  hostId: string;
  slot: number;
  /** running and healthy: counts toward the app's minimum */
  serving: boolean;
}

export interface MaintenanceApp {
  /** "namespace/app" */
  appId: string;
  count: number;
  /** Fewest serving instances the app may have at any moment: the task's [availability] min_serving, else count - max_unavailable (never below 0). */
  minServing: number;
  /** Instances keep data in volumes pinned to their host: they cannot move; maintaining their host stops them (gracefully) and they come back on the same host after. */
  pinned: boolean;
  /** Per instance. */
  resources: Resources;
  /** The runtime kind an instance needs. */
  runtime: string;
  /** The live instances of the app (any host). */
  instances: MaintenanceInstance[];
}

export interface MaintenancePlanInput {
  /** Every host of the group (replacements may go to any ready, uncordoned host outside the current batch). */
  groupHosts: MaintenanceHost[];
  /** Ids of the hosts to maintain, in the order the user gave (a subset of groupHosts). */
  targets: string[];
  /** Most hosts per batch: a number, or a percentage of the targets (floor, at least 1). */
  batch: { hosts: number } | { percent: number };
  apps: MaintenanceApp[];
}
