import type { App, Release } from '../domain/app.js';
import type { Deployment } from '../domain/deployment.js';
import type { BuboEvent } from '../domain/event.js';
import type { Host } from '../domain/host.js';
import type { HostCert } from '../domain/host-cert.js';
import type { JoinToken } from '../domain/join-token.js';
import type { Instance } from '../domain/instance.js';
import type { Volume } from '../domain/volume.js';
import type { BackupRun } from '../domain/backup-run.js';
import type { StoredSecret } from '../domain/secret.js';
import type { AuditRecord } from '../domain/audit-record.js';
import type { ApiToken } from '../domain/api-token.js';
import type { Operation } from '../domain/operation.js';

export interface InstanceFilter {
  appId?: string;
  hostId?: string;
  /** true: only instances whose state is not terminal (stopped, failed, lost). */
  live?: boolean;
  /**
   * true: instances the control loop must look at: not terminal, OR terminal but still desired
   * `run` (failed or lost ones not yet replaced). Ignores `live` when set.
   */
  unsettled?: boolean;
  /** Only instances updated at or after this time (ms). */
  updatedSince?: number;
}

export type InstancePatch = Partial<Pick<Instance, 'desired' | 'state' | 'address' | 'message' | 'health' | 'healthMessage' | 'updatedAt' | 'moving'>>;
export type HostPatch = Partial<
  Pick<Host, 'cordoned' | 'draining' | 'status' | 'lastHeartbeatAt' | 'address' | 'capacity' | 'runtimes' | 'labels' | 'roles' | 'group' | 'agentUrl'>
>;
export type AppPatch = Partial<Pick<App, 'group' | 'count' | 'stopped' | 'destroying' | 'release' | 'overProvision' | 'updatedAt'>>;
export type DeploymentPatch = Partial<Pick<Deployment, 'status' | 'message' | 'switchedAt' | 'updatedAt'>>;

export interface EventFilter {
  appId?: string;
  hostId?: string;
  /** Only events with id > after. */
  after?: number;
  /** Newest `limit` events (still returned oldest first). Default 100. */
  limit?: number;
}

/**
 * Persistence of the control plane. Every method is one statement or one transaction; a
 * multi-row change made through `transaction` is all or nothing. Implementations keep their SQL
 * portable (SQLite today, PostgreSQL next): no dialect-only features in queries.
 */
export interface Store {
  /** Runs `fn` in one transaction; the `Store` passed to it must be the one used inside. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;

  upsertHost(host: Host): Promise<void>;
  getHost(id: string): Promise<Host | undefined>;
  getHostByName(name: string): Promise<Host | undefined>;
  listHosts(): Promise<Host[]>;
  /** Whether a host holds `subnet` (registration must not read every host to pick one). */
  isSubnetTaken(subnet: string): Promise<boolean>;
  updateHost(id: string, patch: HostPatch): Promise<void>;
  /** Deletes the host's row (its instances stay, and the control loop finds them lost). */
  deleteHost(id: string): Promise<void>;

  insertJoinToken(token: JoinToken): Promise<void>;
  getJoinToken(id: string): Promise<JoinToken | undefined>;
  findJoinTokenByHash(tokenHash: string): Promise<JoinToken | undefined>;
  /** Oldest first. */
  listJoinTokens(): Promise<JoinToken[]>;
  /** Takes one use if the token has one left and is not revoked; returns whether it did. */
  consumeJoinTokenUse(id: string): Promise<boolean>;
  revokeJoinToken(id: string): Promise<void>;

  insertApiToken(token: ApiToken): Promise<void>;
  getApiToken(id: string): Promise<ApiToken | undefined>;
  findApiTokenByHash(tokenHash: string): Promise<ApiToken | undefined>;
  /** Oldest first. */
  listApiTokens(): Promise<ApiToken[]>;
  revokeApiToken(id: string): Promise<void>;

  insertHostCert(cert: HostCert): Promise<void>;
  getHostCert(fingerprint: string): Promise<HostCert | undefined>;
  listHostCerts(hostName: string): Promise<HostCert[]>;
  /** Deletes every certificate of the host (with `expiredBy`, those expired by then); returns how many. */
  deleteHostCerts(hostName: string, expiredBy?: number): Promise<number>;

  /** Groups exist once a host registered into them; they are never deleted implicitly. */
  ensureGroup(name: string, now: number): Promise<void>;
  listGroups(): Promise<string[]>;

  insertApp(app: App): Promise<void>;
  getApp(id: string): Promise<App | undefined>;
  listApps(): Promise<App[]>;
  updateApp(id: string, patch: AppPatch): Promise<void>;
  /** Deletes the app with its releases, instances and deployments (events stay). */
  deleteApp(id: string): Promise<void>;

  insertRelease(release: Release): Promise<void>;
  getRelease(appId: string, version: number): Promise<Release | undefined>;
  /** Newest first. */
  listReleases(appId: string): Promise<Release[]>;
  latestReleaseVersion(appId: string): Promise<number>;
  /** Records a release's image digests if none are recorded yet; returns whether it did. */
  pinReleaseDigests(appId: string, version: number, digests: Record<string, string>): Promise<boolean>;

  insertSecret(secret: StoredSecret): Promise<void>;
  /** Every stored version, by namespace, name and version; filtered when asked. */
  listSecrets(filter?: { namespace?: string; name?: string }): Promise<StoredSecret[]>;
  getSecret(namespace: string, name: string, version: number): Promise<StoredSecret | undefined>;
  /** 0 when the secret has no version. */
  latestSecretVersion(namespace: string, name: string): Promise<number>;
  /** Deletes every version of the secret; returns how many. */
  deleteSecret(namespace: string, name: string): Promise<number>;
  /** Replaces the encrypted value of one version (key rotation: same value, another key). */
  resealSecret(namespace: string, name: string, version: number, sealed: StoredSecret['sealed']): Promise<void>;

  insertVolumes(volumes: Volume[]): Promise<void>;
  /** Every volume, or those of one app or one host. */
  listVolumes(filter?: { appId?: string; hostId?: string }): Promise<Volume[]>;
  /** Grows the recorded size (a deploy asked for more); the agent grows the filesystem. */
  updateVolumeSize(id: string, sizeMib: number): Promise<void>;
  /** Deletes the volume records and their backup runs (the archives on the hosts stay). */
  deleteVolumes(ids: string[]): Promise<void>;

  /** Inserts a run, or replaces the run of its id (a run is written when it starts and when it ends). */
  putBackupRun(run: BackupRun): Promise<void>;
  /** Runs of one app (or of some volumes), newest first, at most `limit`. */
  listBackupRuns(filter: { appId?: string; volumeIds?: string[]; limit?: number }): Promise<BackupRun[]>;
  /** The newest run of each volume that has one. */
  latestBackupRuns(volumeIds: string[]): Promise<Map<string, BackupRun>>;
  /** Marks runs whose archive retention deleted. */
  markBackupRunsPruned(ids: string[]): Promise<void>;

  /** Inserts an operation, or replaces the one of its id (change one inside `transaction`: read, change, write). */
  putOperation(operation: Operation): Promise<void>;
  getOperation(id: string): Promise<Operation | undefined>;
  /** Newest first; `active`: only running or paused ones. */
  listOperations(filter?: { active?: boolean; limit?: number }): Promise<Operation[]>;

  /** Inserts many rows; implementations batch so that a million rows are fine. */
  insertInstances(instances: Instance[]): Promise<void>;
  getInstance(id: string): Promise<Instance | undefined>;
  listInstances(filter?: InstanceFilter): Promise<Instance[]>;
  updateInstance(id: string, patch: InstancePatch): Promise<void>;
  updateInstances(ids: string[], patch: InstancePatch): Promise<void>;
  /** Removes terminal instances last updated before `before` (keeps the table small). */
  pruneInstances(before: number): Promise<number>;

  insertDeployment(deployment: Deployment): Promise<void>;
  getDeployment(id: string): Promise<Deployment | undefined>;
  /** The deployment of the app whose status is `running`, if any. */
  activeDeployment(appId: string): Promise<Deployment | undefined>;
  /** Newest first. */
  listDeployments(appId: string): Promise<Deployment[]>;
  updateDeployment(id: string, patch: DeploymentPatch): Promise<void>;

  appendEvents(events: Omit<BuboEvent, 'id'>[]): Promise<void>;
  listEvents(filter?: EventFilter): Promise<BuboEvent[]>;

  appendAudit(record: Omit<AuditRecord, 'id'>): Promise<void>;
  /** Newest `limit` records (default 100) matching the filter, returned oldest first. */
  listAudit(filter?: { actor?: string; since?: number; limit?: number }): Promise<AuditRecord[]>;

  /** A named monotonic counter (e.g. the assignments change index); returns the new value. */
  incrementCounter(name: string): Promise<number>;
  getCounter(name: string): Promise<number>;
}
