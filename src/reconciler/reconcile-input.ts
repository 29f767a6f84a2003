import type { Instance } from '../domain/instance.js';
import type { DeploySpec } from '../domain/task-spec.js';

/** What the reconciler needs to know about an app; the caller folds `stopped`/`destroying` into `count`. */
export interface ReconcileApp {
  appId: string;
  /** Release the app should run; null before the first deploy (nothing runs). */
  release: number | null;
  /** Instances wanted; already 0 when the app is stopped or being destroyed. */
  count: number;
  /** Of the target release: how a rollout may proceed. */
  deploy: DeploySpec;
  /**
   * Blue-green: keep every old instance that still serves, even once the new set serves in full,
   * because traffic has not switched yet or the switch is inside its grace period.
   */
  holdOld?: boolean;
  /**
   * The app's instances keep data in volumes pinned to their slot: a slot's new instance is placed
   * only once every earlier instance of that slot has stopped (never two on one volume), a
   * rollout never surges, and an `unknown` instance keeps its slot until its host returns (its
   * data is there), whatever `replaceAfterMs` says.
   */
  inPlace?: boolean;
  /** How long an `unknown` instance (silent host) keeps its slot before it is replaced; default `DEFAULT_REPLACE_AFTER_MS`. */
  replaceAfterMs?: number;
}

export interface ReconcileHost {
  id: string;
  /** For messages; the id when absent. */
  name?: string;
  status: 'ready' | 'down';
  lastHeartbeatAt: number;
  /** Being drained: its instances are replaced elsewhere, like those of a host past its silence. */
  draining?: boolean;
}

export interface ReconcileInput {
  /** The clock, passed in so that the reconciler stays pure and replayable. */
  now: number;
  /** A ready host not heard from for longer than this is declared down. */
  hostTtlMs: number;
  /**
   * Heartbeats count from here at the earliest (when the server started): a host is not declared
   * down for silence while the server itself was not listening. Default 0.
   */
  heartbeatsSince?: number;
  /**
   * A failed instance keeps its slot this long before it is replaced (default 0), so that an
   * image that cannot be pulled or an entrypoint that crashes is retried calmly, not in a loop.
   */
  failedReplaceDelayMs?: number;
  apps: ReconcileApp[];
  instances: Instance[];
  hosts: ReconcileHost[];
}
