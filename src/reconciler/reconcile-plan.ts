/** Mark the instance `lost` (its host is gone, or it was told to stop while its host was silent); it no longer counts as live. */
export interface LostInstance {
  instanceId: string;
  reason: string;
}

/**
 * Mark the instance `unknown`: its host went silent. It keeps its slot (counted as placed, not
 * serving) until its task's `replace_after` passes; then a replacement is placed beside it, and it
 * is stopped once the replacement serves, or re-adopted if its host comes back first.
 */
export interface UnknownInstance {
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
 * appears in at most one list (an instance marked unknown may also be stopped) and a slot at most once per app in `place`.
 */
export interface ReconcilePlan {
  /** Ready hosts whose last heartbeat is older than the TTL: mark them down. */
  hostsDown: string[];
  lost: LostInstance[];
  unknown: UnknownInstance[];
  stop: StopInstance[];
  /**
   * Instances of a draining host whose slot a replacement in `place` takes over while they keep
   * serving: marked `moving` (the live-slot rule exempts them until they stop).
   */
  moving: string[];
  place: PlaceInstance[];
}
