/** Mark the instance `lost` (its host is down); it no longer counts as live. */
export interface LostInstance {
  instanceId: string;
  reason: string;
}

/** Set `desired = stop`; the agent stops it. */
export interface StopInstance {
  instanceId: string;
  reason: string;
}

/** Create an instance of `release` in `slot`; the scheduler picks the host. */
export interface PlaceInstance {
  appId: string;
  release: number;
  slot: number;
  /** The instance whose slot this one takes over (failed, lost, or of an older release). */
  replaces: string | null;
  reason: string;
}

/**
 * One step towards the desired state. Applying it and reconciling again converges; an instance
 * appears in at most one list and a slot at most once per app in `place`.
 */
export interface ReconcilePlan {
  /** Ready hosts whose last heartbeat is older than the TTL: mark them down. */
  hostsDown: string[];
  lost: LostInstance[];
  stop: StopInstance[];
  place: PlaceInstance[];
}
