import type { SecretKeyring } from '../secrets/secret-keyring.js';
import type { Store } from '../store/store.js';
import type { CatalogAnswers } from './get-catalog.js';
import type { AnswerCache } from './answer-cache.js';
import type { AssignmentNotifier } from './assignment-notifier.js';
import type { HeartbeatBuffer } from './heartbeat-buffer.js';
import type { HostCertAuthority } from './host-cert-authority.js';
import type { PeersLog } from './peers-log.js';
import type { ReleaseCache } from './release-cache.js';

/**
 * What every core action needs. Time and randomness are injected so tests can drive them; the
 * store is the only state.
 */
export interface CoreContext {
  store: Store;
  now: () => number;
  notifier: AssignmentNotifier;
  /** The catalog answer of the current catalog index, shared by every catalog poll. */
  catalog: AnswerCache<CatalogAnswers>;
  /** The host lists the catalog was built from, so a poller behind gets what changed (`hosts_changed`). */
  peersLog: PeersLog;
  /** Heartbeats of hosts that are up, written once per control-loop pass. */
  heartbeats: HeartbeatBuffer;
  releases: ReleaseCache;
  /** Ask the control loop to reconcile soon (after a deploy, a scale, a status report...). */
  wake: () => void;
  /**
   * After capacity was added (a new host): reconcile soon only if the last pass left instances it
   * could not place. Otherwise the next periodic pass is soon enough, and a mass join does not
   * run a pass over every host and instance after each registration (O(N²) for N hosts).
   */
  wakeIfBlocked: () => void;
  /** Look at running maintenance operations soon (one was started or resumed); absent where no runner runs. */
  wakeOperations?: () => void;
  /** After a host joined, moved or left: tell every agent soon (coalesced, see `PeersAnnouncer`). */
  announcePeers: () => void;
  /** Seed for the scheduler's tie-breaks; fixed in tests, random in production. */
  seed: () => number;
  /** When this control plane started (its clock): host silence counts from here at the earliest. */
  startedAt: number;
  options: CoreOptions;
  /** The cluster CA (joining hosts, renewals); absent in cores built without one (tests). */
  pki?: HostCertAuthority;
  /** The secret key file (secrets set, delivered, rotated); absent in cores built without one (tests). */
  keyring?: SecretKeyring;
}

export interface CoreOptions {
  /** Cluster range from which each host gets a /24. */
  clusterCidr: string;
  heartbeatIntervalMs: number;
  /** A host is down when no heartbeat arrived for this long. */
  hostTtlMs: number;
  /** Host-list changes within this window reach the agents as one catalog change (`PeersAnnouncer`). */
  peersAnnounceMs: number;
  /** Terminal instances are kept this long for `bubo status`, then pruned. */
  keepTerminalMs: number;
  /** A failed instance is replaced only after this long, so crash loops stay calm. */
  failedReplaceDelayMs: number;
}

export const DEFAULT_CORE_OPTIONS: CoreOptions = {
  clusterCidr: '10.88.0.0/16',
  heartbeatIntervalMs: 2_000,
  hostTtlMs: 8_000,
  peersAnnounceMs: 1_000,
  keepTerminalMs: 10 * 60_000,
  failedReplaceDelayMs: 5_000,
};
