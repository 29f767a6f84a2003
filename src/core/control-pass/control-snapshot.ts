import type { App, Release } from '../../domain/app.js';
import type { Deployment } from '../../domain/deployment.js';
import type { Host } from '../../domain/host.js';
import type { Instance } from '../../domain/instance.js';
import type { Volume } from '../../domain/volume.js';

/**
 * Everything one control pass decides from, read inside the transaction that writes its plan.
 * Immutable by contract: `planControlPass` never changes it.
 */
export interface ControlSnapshot {
  hosts: readonly Host[];
  apps: readonly App[];
  /** Every stored instance, terminal ones included until they are pruned. */
  instances: readonly Instance[];
  /**
   * Releases by `releaseKey(appId, version)`: each app's current release, its running
   * deployment's from/to releases, and the release of every instance. A missing key means the
   * release does not exist (a rollback target that was deleted).
   */
  releases: ReadonlyMap<string, Release>;
  /** Every volume record: which host holds each app slot's data (the slot is pinned there). */
  volumes: readonly Volume[];
  /** The running deployment of each app that has one, by app id. */
  deployments: ReadonlyMap<string, Deployment>;
  /** The last "cannot place" message per `app#release`, so a blocked app logs one event, not one per pass. */
  blocked: ReadonlyMap<string, string>;
  hostTtlMs: number;
  /** When this server started: hosts are not declared down for silence before it plus the TTL. */
  startedAt: number;
  failedReplaceDelayMs: number;
  /** Seed for the scheduler's tie-breaks. */
  seed: number;
}

export function releaseKey(appId: string, version: number): string {
  return `${appId}#${version}`;
}
