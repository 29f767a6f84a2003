import type { Deployment } from '../../domain/deployment.js';
import type { BuboEvent } from '../../domain/event.js';
import type { Instance } from '../../domain/instance.js';
import type { Volume } from '../../domain/volume.js';
import type { LostInstance, UnknownInstance } from '../../reconciler/reconcile-plan.js';
import type { AppPatch, DeploymentPatch } from '../../store/store.js';

/**
 * Everything one control pass changes, decided by `planControlPass` and written by
 * `applyControlPlan` in the transaction that read the snapshot. Order of application: deployments,
 * hosts, lost/unknown, stops, inserts, apps, new deployments, deletions, counters, events, so
 * that a stop always lands before the instance that takes its slot.
 */
export interface ControlPlan {
  hostsDown: string[];
  lost: LostInstance[];
  /** Instances whose host went silent: state → unknown, still holding their slot. */
  unknown: UnknownInstance[];
  /** Instance ids whose `desired` becomes stop (existing rows only). */
  stop: string[];
  /** Instance ids that serve on while a replacement placed in this plan takes their slot (a drain's move). */
  moving: string[];
  /** New instances to insert (a rollback may insert one already told to stop). */
  place: Instance[];
  /** Volume records of slots placed for the first time (or again, after their host was removed), and the records they replace. */
  newVolumes: Volume[];
  deleteVolumes: string[];
  /** Volumes a new release asks to be larger: the agent grows them. */
  growVolumes: { id: string; sizeMib: number }[];
  deploymentUpdates: { id: string; patch: DeploymentPatch }[];
  appUpdates: { id: string; patch: AppPatch }[];
  newDeployments: Deployment[];
  deleteApps: string[];
  events: Omit<BuboEvent, 'id'>[];
  /** The "cannot place" memo for the next pass. */
  blocked: Map<string, string>;
  /** Some host's set of assignments changed: wake the agents. */
  assignmentsChanged: boolean;
  /** The hosts whose assignments this plan changes (stopped, lost or placed instances): only their polls wake. */
  assignmentHosts: string[];
  /** What DNS and load balancers list changed: wake the catalog followers. */
  catalogChanged: boolean;
  /** How many the reconciler stopped (rollback leftovers excluded), for the loop's outcome. */
  reconcilerStops: number;
}
