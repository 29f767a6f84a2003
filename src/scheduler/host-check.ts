import type { PlacementRequest } from './placement-request.js';
import type { SchedulerHost } from './scheduler-snapshot.js';

/** Why one check rejected a host: a short label for summaries and a sentence for humans. */
export interface HostRejection {
  check: string;
  reason: string;
}

/** One link of the feasibility chain: null when the host passes. Pure and cheap. */
export type HostCheck = (host: SchedulerHost, request: PlacementRequest) => HostRejection | null;
