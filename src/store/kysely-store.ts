import { CompiledQuery, type Kysely } from 'kysely';
import type { App, Release } from '../domain/app.js';
import type { Deployment } from '../domain/deployment.js';
import type { BuboEvent } from '../domain/event.js';
import type { Host } from '../domain/host.js';
import { type Instance, TERMINAL_STATES } from '../domain/instance.js';
import { appPatchToRow, appToRow, rowToApp } from './app-row.js';
import type { Database } from './database-schema.js';
import { deploymentPatchToRow, deploymentToRow, rowToDeployment } from './deployment-row.js';
import { eventToRow, rowToEvent } from './event-row.js';
import { hostPatchToRow, hostToRow, rowToHost } from './host-row.js';
import { hostCertToRow, rowToHostCert } from './host-cert-row.js';
import { joinTokenToRow, rowToJoinToken } from './join-token-row.js';
import type { HostCert } from '../domain/host-cert.js';
import type { JoinToken } from '../domain/join-token.js';
import type { StoredSecret } from '../domain/secret.js';
import { rowToSecret, secretToRow } from './secret-row.js';
import { rowToVolume, volumeToRow } from './volume-row.js';
import type { Volume } from '../domain/volume.js';
import type { BackupRun } from '../domain/backup-run.js';
import { backupRunToRow, rowToBackupRun } from './backup-run-row.js';
import type { Operation } from '../domain/operation.js';
import type { AuditRecord } from '../domain/audit-record.js';
import { auditToRow, rowToAudit } from './audit-row.js';
import type { ApiToken } from '../domain/api-token.js';
import { apiTokenToRow, rowToApiToken } from './api-token-row.js';
import { instancePatchToRow, instanceToRow, pushInstanceParameters, rowToInstance } from './instance-row.js';
import { toJsonColumn } from './json-column.js';
import { fromNumberColumn } from './number-column.js';
import { releaseToRow, rowToRelease } from './release-row.js';
import type { AppPatch, DeploymentPatch, EventFilter, HostPatch, InstanceFilter, InstancePatch, Store } from './store.js';

/**
 * Rows per multi-row statement. 500 rows x 11 columns = 5,500 bound parameters: under SQLite's
 * 32,766 and PostgreSQL's 65,535, and large enough that per-statement overhead stops mattering.
 */
export const ROWS_PER_STATEMENT = 500;

const DEFAULT_EVENT_LIMIT = 100;

/**
 * The `Store` over any Kysely dialect. Everything dialect-specific (driver, pragmas) lives in the
 * file that builds the `Kysely` (`sqlite-store.ts`); this file only issues portable queries.
 *
 * A `KyselyStore` built on a Kysely `Transaction` is the `tx` handed to `transaction()` callbacks;
 * nested `transaction()` calls on it run inline in the same transaction.
 */
export class KyselyStore implements Store {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.#db.isTransaction) return fn(this);
    return this.#db.transaction().execute((trx) => fn(new KyselyStore(trx)));
  }

  /** Runs `fn` on this store's transaction, or on a new one when this store is not in one. */
  async #atomically<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    if (this.#db.isTransaction) return fn(this.#db);
    return this.#db.transaction().execute(fn);
  }

  async close(): Promise<void> {
    if (this.#db.isTransaction) throw new Error('Cannot close a store from inside its transaction: close the store that opened it.');
    await this.#db.destroy();
  }

  // Hosts and groups

  async upsertHost(host: Host): Promise<void> {
    const row = hostToRow(host);
    const { id: _id, ...rest } = row;
    await this.#db
      .insertInto('hosts')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet(rest))
      .execute();
  }

  async getHost(id: string): Promise<Host | undefined> {
    const row = await this.#db.selectFrom('hosts').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : rowToHost(row);
  }

  async getHostByName(name: string): Promise<Host | undefined> {
    const row = await this.#db.selectFrom('hosts').selectAll().where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : rowToHost(row);
  }

  async isSubnetTaken(subnet: string): Promise<boolean> {
    const row = await this.#db.selectFrom('hosts').select('id').where('subnet', '=', subnet).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  async listHosts(): Promise<Host[]> {
    const rows = await this.#db.selectFrom('hosts').selectAll().orderBy('name').execute();
    return rows.map(rowToHost);
  }

  async updateHost(id: string, patch: HostPatch): Promise<void> {
    const row = hostPatchToRow(patch);
    if (Object.keys(row).length === 0) return;
    await this.#db.updateTable('hosts').set(row).where('id', '=', id).execute();
  }

  async deleteHost(id: string): Promise<void> {
    await this.#db.deleteFrom('hosts').where('id', '=', id).execute();
  }

  // Join tokens and host certificates

  async insertJoinToken(token: JoinToken): Promise<void> {
    await this.#db.insertInto('join_tokens').values(joinTokenToRow(token)).execute();
  }

  async getJoinToken(id: string): Promise<JoinToken | undefined> {
    const row = await this.#db.selectFrom('join_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : rowToJoinToken(row);
  }

  async findJoinTokenByHash(tokenHash: string): Promise<JoinToken | undefined> {
    const row = await this.#db.selectFrom('join_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row === undefined ? undefined : rowToJoinToken(row);
  }

  async listJoinTokens(): Promise<JoinToken[]> {
    const rows = await this.#db.selectFrom('join_tokens').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(rowToJoinToken);
  }

  async consumeJoinTokenUse(id: string): Promise<boolean> {
    // One conditional statement: two joins racing for the last use cannot both get it.
    const result = await this.#db
      .updateTable('join_tokens')
      .set((eb) => ({ uses_left: eb('uses_left', '-', 1) }))
      .where('id', '=', id)
      .where('uses_left', '>', 0)
      .where('revoked', '=', 0)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async revokeJoinToken(id: string): Promise<void> {
    await this.#db.updateTable('join_tokens').set({ revoked: 1 }).where('id', '=', id).execute();
  }

  async insertApiToken(token: ApiToken): Promise<void> {
    await this.#db.insertInto('api_tokens').values(apiTokenToRow(token)).execute();
  }

  async getApiToken(id: string): Promise<ApiToken | undefined> {
    const row = await this.#db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : rowToApiToken(row);
  }

  async findApiTokenByHash(tokenHash: string): Promise<ApiToken | undefined> {
    const row = await this.#db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row === undefined ? undefined : rowToApiToken(row);
  }

  async listApiTokens(): Promise<ApiToken[]> {
    const rows = await this.#db.selectFrom('api_tokens').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(rowToApiToken);
  }

  async revokeApiToken(id: string): Promise<void> {
    await this.#db.updateTable('api_tokens').set({ revoked: 1 }).where('id', '=', id).execute();
  }

  async insertHostCert(cert: HostCert): Promise<void> {
    await this.#db.insertInto('host_certs').values(hostCertToRow(cert)).execute();
  }

  async getHostCert(fingerprint: string): Promise<HostCert | undefined> {
    const row = await this.#db.selectFrom('host_certs').selectAll().where('fingerprint', '=', fingerprint).executeTakeFirst();
    return row === undefined ? undefined : rowToHostCert(row);
  }

  async listHostCerts(hostName: string): Promise<HostCert[]> {
    const rows = await this.#db.selectFrom('host_certs').selectAll().where('host_name', '=', hostName).orderBy('issued_at').execute();
    return rows.map(rowToHostCert);
  }

  async deleteHostCerts(hostName: string, expiredBy?: number): Promise<number> {
    let query = this.#db.deleteFrom('host_certs').where('host_name', '=', hostName);
    if (expiredBy !== undefined) query = query.where('not_after', '<=', expiredBy);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async ensureGroup(name: string, now: number): Promise<void> {
    await this.#db
      .insertInto('groups')
      .values({ name, created_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  }

  async listGroups(): Promise<string[]> {
    const rows = await this.#db.selectFrom('groups').select('name').orderBy('name').execute();
    return rows.map((r) => r.name);
  }

  // Apps and releases

  async insertApp(app: App): Promise<void> {
    await this.#db.insertInto('apps').values(appToRow(app)).execute();
  }

  async getApp(id: string): Promise<App | undefined> {
    const row = await this.#db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : rowToApp(row);
  }

  async listApps(): Promise<App[]> {
    const rows = await this.#db.selectFrom('apps').selectAll().orderBy('id').execute();
    return rows.map(rowToApp);
  }

  async updateApp(id: string, patch: AppPatch): Promise<void> {
    const row = appPatchToRow(patch);
    if (Object.keys(row).length === 0) return;
    await this.#db.updateTable('apps').set(row).where('id', '=', id).execute();
  }

  async deleteApp(id: string): Promise<void> {
    // Explicit child deletes rather than relying on ON DELETE CASCADE: correct even where foreign
    // keys are off, and the order (children first) never trips a constraint.
    await this.#atomically(async (db) => {
      await db.deleteFrom('instances').where('app_id', '=', id).execute();
      await db.deleteFrom('deployments').where('app_id', '=', id).execute();
      await db.deleteFrom('releases').where('app_id', '=', id).execute();
      await db.deleteFrom('apps').where('id', '=', id).execute();
    });
  }

  async insertRelease(release: Release): Promise<void> {
    await this.#db.insertInto('releases').values(releaseToRow(release)).execute();
  }

  async getRelease(appId: string, version: number): Promise<Release | undefined> {
    const row = await this.#db.selectFrom('releases').selectAll().where('app_id', '=', appId).where('version', '=', version).executeTakeFirst();
    return row === undefined ? undefined : rowToRelease(row);
  }

  async listReleases(appId: string): Promise<Release[]> {
    const rows = await this.#db.selectFrom('releases').selectAll().where('app_id', '=', appId).orderBy('version', 'desc').execute();
    return rows.map(rowToRelease);
  }

  async pinReleaseDigests(appId: string, version: number, digests: Record<string, string>): Promise<boolean> {
    const result = await this.#db
      .updateTable('releases')
      .set({ digests: toJsonColumn(digests) })
      .where('app_id', '=', appId)
      .where('version', '=', version)
      .where('digests', '=', '{}')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async latestReleaseVersion(appId: string): Promise<number> {
    const row = await this.#db
      .selectFrom('releases')
      .select((eb) => eb.fn.max('version').as('latest'))
      .where('app_id', '=', appId)
      .executeTakeFirst();
    return row?.latest === null || row?.latest === undefined ? 0 : fromNumberColumn(row.latest);
  }

  // Secrets

  async insertVolumes(volumes: Volume[]): Promise<void> {
    if (volumes.length === 0) return;
    await this.#db.insertInto('volumes').values(volumes.map(volumeToRow)).execute();
  }

  async listVolumes(filter: { appId?: string; hostId?: string } = {}): Promise<Volume[]> {
    let query = this.#db.selectFrom('volumes').selectAll();
    if (filter.appId !== undefined) query = query.where('app_id', '=', filter.appId);
    if (filter.hostId !== undefined) query = query.where('host_id', '=', filter.hostId);
    const rows = await query.orderBy('app_id').orderBy('slot').orderBy('name').execute();
    return rows.map(rowToVolume);
  }

  async updateVolumeSize(id: string, sizeMib: number): Promise<void> {
    await this.#db.updateTable('volumes').set({ size_mib: sizeMib }).where('id', '=', id).execute();
  }

  async deleteVolumes(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#db.deleteFrom('volumes').where('id', 'in', ids).execute();
    // A later volume of the same id (the app deployed again) starts its own history.
    await this.#db.deleteFrom('backup_runs').where('volume_id', 'in', ids).execute();
  }

  async putBackupRun(run: BackupRun): Promise<void> {
    const row = backupRunToRow(run);
    const { id: _id, ...rest } = row;
    await this.#db
      .insertInto('backup_runs')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet(rest))
      .execute();
  }

  async listBackupRuns(filter: { appId?: string; volumeIds?: string[]; limit?: number }): Promise<BackupRun[]> {
    let query = this.#db.selectFrom('backup_runs').selectAll();
    if (filter.appId !== undefined) query = query.where('app_id', '=', filter.appId);
    if (filter.volumeIds !== undefined) {
      if (filter.volumeIds.length === 0) return [];
      query = query.where('volume_id', 'in', filter.volumeIds);
    }
    const rows = await query.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(filter.limit ?? 1000).execute();
    return rows.map(rowToBackupRun);
  }

  async putOperation(operation: Operation): Promise<void> {
    const row = { id: operation.id, kind: operation.kind, status: operation.status, created_at: operation.createdAt, updated_at: operation.updatedAt, document: JSON.stringify(operation) };
    const { id: _id, ...rest } = row;
    await this.#db
      .insertInto('operations')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet(rest))
      .execute();
  }

  async getOperation(id: string): Promise<Operation | undefined> {
    const row = await this.#db.selectFrom('operations').select('document').where('id', '=', id).executeTakeFirst();
    return row ? (JSON.parse(row.document) as Operation) : undefined;
  }

  async listOperations(filter: { active?: boolean; limit?: number } = {}): Promise<Operation[]> {
    let query = this.#db.selectFrom('operations').select('document');
    if (filter.active) query = query.where('status', 'in', ['running', 'paused']);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit ?? 100).execute();
    return rows.map((r) => JSON.parse(r.document) as Operation);
  }

  async latestBackupRuns(volumeIds: string[]): Promise<Map<string, BackupRun>> {
    const latest = new Map<string, BackupRun>();
    if (volumeIds.length === 0) return latest;
    // One indexed lookup per volume: a host holds few volumes, and this runs every few seconds.
    for (const volumeId of volumeIds) {
      const row = await this.#db.selectFrom('backup_runs').selectAll().where('volume_id', '=', volumeId).orderBy('started_at', 'desc').limit(1).executeTakeFirst();
      if (row) latest.set(volumeId, rowToBackupRun(row));
    }
    return latest;
  }

  async markBackupRunsPruned(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#db.updateTable('backup_runs').set({ pruned: 1 }).where('id', 'in', ids).execute();
  }

  async insertSecret(secret: StoredSecret): Promise<void> {
    await this.#db.insertInto('secrets').values(secretToRow(secret)).execute();
  }

  async listSecrets(filter: { namespace?: string; name?: string } = {}): Promise<StoredSecret[]> {
    let query = this.#db.selectFrom('secrets').selectAll();
    if (filter.namespace !== undefined) query = query.where('namespace', '=', filter.namespace);
    if (filter.name !== undefined) query = query.where('name', '=', filter.name);
    const rows = await query.orderBy('namespace').orderBy('name').orderBy('version').execute();
    return rows.map(rowToSecret);
  }

  async getSecret(namespace: string, name: string, version: number): Promise<StoredSecret | undefined> {
    const row = await this.#db
      .selectFrom('secrets')
      .selectAll()
      .where('namespace', '=', namespace)
      .where('name', '=', name)
      .where('version', '=', version)
      .executeTakeFirst();
    return row === undefined ? undefined : rowToSecret(row);
  }

  async latestSecretVersion(namespace: string, name: string): Promise<number> {
    const row = await this.#db
      .selectFrom('secrets')
      .select((eb) => eb.fn.max('version').as('latest'))
      .where('namespace', '=', namespace)
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.latest === null || row?.latest === undefined ? 0 : fromNumberColumn(row.latest);
  }

  async deleteSecret(namespace: string, name: string): Promise<number> {
    const result = await this.#db.deleteFrom('secrets').where('namespace', '=', namespace).where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async resealSecret(namespace: string, name: string, version: number, sealed: StoredSecret['sealed']): Promise<void> {
    await this.#db
      .updateTable('secrets')
      .set({ key_id: sealed.keyId, nonce: sealed.nonce, ciphertext: sealed.ciphertext })
      .where('namespace', '=', namespace)
      .where('name', '=', name)
      .where('version', '=', version)
      .execute();
  }

  // Instances

  async insertInstances(instances: Instance[]): Promise<void> {
    if (instances.length === 0) return;
    await this.#atomically((db) => insertInstanceChunks(db, instances));
  }

  async getInstance(id: string): Promise<Instance | undefined> {
    const row = await this.#db.selectFrom('instances').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : rowToInstance(row);
  }

  async listInstances(filter: InstanceFilter = {}): Promise<Instance[]> {
    let query = this.#db.selectFrom('instances').selectAll();
    if (filter.appId !== undefined) query = query.where('app_id', '=', filter.appId);
    if (filter.hostId !== undefined) query = query.where('host_id', '=', filter.hostId);
    if (filter.unsettled === true) {
      query = query.where((eb) => eb.or([eb('state', 'not in', TERMINAL_STATES), eb('desired', '=', 'run')]));
    } else if (filter.live === true) {
      query = query.where('state', 'not in', TERMINAL_STATES);
    }
    if (filter.updatedSince !== undefined) query = query.where('updated_at', '>=', filter.updatedSince);
    const rows = await query.orderBy('id').execute();
    return rows.map(rowToInstance);
  }

  async updateInstance(id: string, patch: InstancePatch): Promise<void> {
    const row = instancePatchToRow(patch);
    if (Object.keys(row).length === 0) return;
    await this.#db.updateTable('instances').set(row).where('id', '=', id).execute();
  }

  async updateInstances(ids: string[], patch: InstancePatch): Promise<void> {
    const row = instancePatchToRow(patch);
    if (ids.length === 0 || Object.keys(row).length === 0) return;
    await this.#atomically(async (db) => {
      for (let start = 0; start < ids.length; start += ROWS_PER_STATEMENT) {
        const chunk = ids.slice(start, start + ROWS_PER_STATEMENT);
        await db.updateTable('instances').set(row).where('id', 'in', chunk).execute();
      }
    });
  }

  async pruneInstances(before: number): Promise<number> {
    const result = await this.#db.deleteFrom('instances').where('state', 'in', TERMINAL_STATES).where('updated_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  // Deployments

  async insertDeployment(deployment: Deployment): Promise<void> {
    await this.#db.insertInto('deployments').values(deploymentToRow(deployment)).execute();
  }

  async getDeployment(id: string): Promise<Deployment | undefined> {
    const row = await this.#db.selectFrom('deployments').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : rowToDeployment(row);
  }

  async activeDeployment(appId: string): Promise<Deployment | undefined> {
    const row = await this.#db
      .selectFrom('deployments')
      .selectAll()
      .where('app_id', '=', appId)
      .where('status', '=', 'running')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return row === undefined ? undefined : rowToDeployment(row);
  }

  async listDeployments(appId: string): Promise<Deployment[]> {
    const rows = await this.#db.selectFrom('deployments').selectAll().where('app_id', '=', appId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    return rows.map(rowToDeployment);
  }

  async updateDeployment(id: string, patch: DeploymentPatch): Promise<void> {
    const row = deploymentPatchToRow(patch);
    if (Object.keys(row).length === 0) return;
    await this.#db.updateTable('deployments').set(row).where('id', '=', id).execute();
  }

  // Events and counters

  async appendEvents(events: Omit<BuboEvent, 'id'>[]): Promise<void> {
    if (events.length === 0) return;
    await this.#atomically(async (db) => {
      for (let start = 0; start < events.length; start += ROWS_PER_STATEMENT) {
        const chunk = events.slice(start, start + ROWS_PER_STATEMENT);
        await db.insertInto('events').values(chunk.map(eventToRow)).execute();
      }
    });
  }

  async listEvents(filter: EventFilter = {}): Promise<BuboEvent[]> {
    let query = this.#db.selectFrom('events').selectAll();
    if (filter.appId !== undefined) query = query.where('app_id', '=', filter.appId);
    if (filter.hostId !== undefined) query = query.where('host_id', '=', filter.hostId);
    if (filter.after !== undefined) query = query.where('id', '>', filter.after);
    // Newest `limit` first so the limit keeps the recent end, then flipped to read oldest first.
    const rows = await query
      .orderBy('id', 'desc')
      .limit(filter.limit ?? DEFAULT_EVENT_LIMIT)
      .execute();
    return rows.reverse().map(rowToEvent);
  }

  async appendAudit(record: Omit<AuditRecord, 'id'>): Promise<void> {
    await this.#db.insertInto('audit').values(auditToRow(record)).execute();
  }

  async listAudit(filter: { actor?: string; since?: number; limit?: number } = {}): Promise<AuditRecord[]> {
    let query = this.#db.selectFrom('audit').selectAll();
    if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
    if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(filter.limit ?? DEFAULT_EVENT_LIMIT)
      .execute();
    return rows.reverse().map(rowToAudit);
  }

  async incrementCounter(name: string): Promise<number> {
    const row = await this.#db
      .insertInto('counters')
      .values({ name, value: 1 })
      .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ value: eb('counters.value', '+', 1) })))
      .returning('value')
      .executeTakeFirstOrThrow();
    return fromNumberColumn(row.value);
  }

  async getCounter(name: string): Promise<number> {
    const row = await this.#db.selectFrom('counters').select('value').where('name', '=', name).executeTakeFirst();
    return row === undefined ? 0 : fromNumberColumn(row.value);
  }
}

/**
 * Kysely compiles the first full-size statement; later chunks reuse its SQL text with fresh
 * parameters. Building a 5,500-node query tree per chunk would otherwise cost about as much as
 * SQLite spends writing the rows. The SQL still comes from the dialect's own compiler.
 */
async function insertInstanceChunks(db: Kysely<Database>, instances: Instance[]): Promise<void> {
  let fullChunkSql: string | undefined;
  for (let start = 0; start < instances.length; start += ROWS_PER_STATEMENT) {
    const chunk = instances.slice(start, start + ROWS_PER_STATEMENT);
    if (fullChunkSql === undefined || chunk.length < ROWS_PER_STATEMENT) {
      const compiled = db.insertInto('instances').values(chunk.map(instanceToRow)).compile();
      if (chunk.length === ROWS_PER_STATEMENT) {
        assertSameParameters(compiled.parameters, instanceParameters(chunk));
        fullChunkSql = compiled.sql;
      }
      await db.executeQuery(compiled);
      continue;
    }
    await db.executeQuery(CompiledQuery.raw(fullChunkSql, instanceParameters(chunk)));
  }
}

function instanceParameters(chunk: Instance[]): unknown[] {
  const parameters: unknown[] = [];
  for (const instance of chunk) pushInstanceParameters(instance, parameters);
  return parameters;
}

/** Guards the reuse above: the hand-flattened parameters must match what Kysely bound. */
function assertSameParameters(expected: readonly unknown[], actual: readonly unknown[]): void {
  const same = expected.length === actual.length && expected.every((value, n) => value === actual[n]);
  if (!same) throw new Error('insertInstances: pushInstanceParameters is out of step with instanceToRow (instance-row.ts); keep their column order equal.');
}
