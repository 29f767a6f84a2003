import type { IncomingMessage } from 'node:http';
import { type BackupTarget, BackupTargetError, parseBackupTarget } from '../domain/backup-target.js';
import { DomainError } from '../errors/domain-error.js';
import { SerialQueue } from '../images/serial-queue.js';
import { pruneBackups } from '../volumes/backup-archive.js';
import type { VolumeDriver } from '../volumes/volume-driver.js';
import { readJsonBody } from './read-json-body.js';

/** What the agent's listener needs to serve volume operations: the host's driver and its backup functions. */
export interface AgentVolumeOps {
  driver: VolumeDriver;
  backup(id: string, toDir: string): Promise<{ archive: string; sha256: string; bytes: number }>;
  /** Verifies the archive's checksum before anything is touched; the volume must not be in use. */
  restoreArchive(id: string, archive: string): Promise<void>;
  /** A consistent snapshot, whoever has the volume mounted (`freezeAndSnapshot`); default: the driver's own. */
  snapshot?(id: string, name: string): Promise<void>;
  /** Retention in `to` (a directory here, or sftp://); default: a local directory only. Returns what was deleted. */
  prune?(id: string, to: string, keep: number): Promise<string[]>;
}

const VOLUME = /^\/v1\/local\/volumes\/([a-z0-9][a-z0-9.-]{0,254})(\/snapshots|\/restore|\/backup|\/prune)?$/;
const SNAPSHOT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

type Send = (status: number, body: unknown) => void;

/**
 * `/v1/local/volumes…` on the agent's listener, called by the server (which checks who may do
 * what, and that no instance uses a volume it restores or removes):
 *   GET    /v1/local/volumes?ids=a,b          → {volumes: [{id, size_mib, used_mib}]} (ids the host holds)
 *   GET    /v1/local/volumes/:id/snapshots    → {snapshots}
 *   POST   /v1/local/volumes/:id/snapshots    {name}        → {ok}
 *   POST   /v1/local/volumes/:id/restore      {snapshot} | {archive} → {ok}
 *   POST   /v1/local/volumes/:id/prune        {to, keep}    → {removed}: all but the newest `keep` archives in `to` deleted
 *   POST   /v1/local/volumes/:id/backup       {to}          → {archive, sha256, bytes}
 *   DELETE /v1/local/volumes/:id              → {ok} (idempotent)
 * Returns false when the path is not one of these.
 */
export async function handleVolumeRoute(req: IncomingMessage, url: URL, ops: AgentVolumeOps | undefined, send: Send): Promise<boolean> {
  const list = url.pathname === '/v1/local/volumes';
  const match = VOLUME.exec(url.pathname);
  if (!list && !match) return false;
  if (!ops) {
    send(404, { code: 'not_found', message: 'this agent has no volume driver', details: null });
    return true;
  }
  try {
    // One change at a time per volume: two snapshots would freeze it twice (the second fails
    // EBUSY), a restore must not swap the data under a backup's copy, nor a delete under either.
    const id = match?.[1];
    if (id && req.method !== 'GET') await queueOf(ops, id).run(() => route(req, url, match, ops, send));
    else await route(req, url, list ? null : match!, ops, send);
  } catch (error) {
    const code = error instanceof DomainError && ['not_found', 'conflict', 'invalid_request', 'volume_failed'].includes(error.code) ? error.code : 'volume_failed';
    const status = code === 'not_found' ? 404 : code === 'conflict' ? 409 : code === 'invalid_request' ? 400 : 502;
    send(status, { code, message: (error as Error).message, details: null });
  }
  return true;
}

const queues = new WeakMap<AgentVolumeOps, Map<string, SerialQueue>>();

function queueOf(ops: AgentVolumeOps, id: string): SerialQueue {
  let byId = queues.get(ops);
  if (!byId) {
    byId = new Map();
    queues.set(ops, byId);
  }
  let queue = byId.get(id);
  if (!queue) {
    queue = new SerialQueue();
    byId.set(id, queue);
  }
  return queue;
}

async function route(req: IncomingMessage, url: URL, match: RegExpExecArray | null, ops: AgentVolumeOps, send: Send): Promise<void> {
  const { driver } = ops;
  if (match === null) {
    if (req.method !== 'GET') return send(405, { code: 'invalid_request', message: `${req.method} not allowed here`, details: null });
    const held = new Set(await driver.list());
    const ids = (url.searchParams.get('ids') ?? '').split(',').filter((id) => id !== '' && held.has(id));
    const volumes = [];
    for (const id of ids) volumes.push({ id, ...(await usage(driver, id)) });
    return send(200, { volumes });
  }
  const id = match[1]!;
  const action = match[2] ?? '';
  const held = (await driver.list()).includes(id);
  if (req.method === 'DELETE' && action === '') {
    if (held) {
      await driver.unmount(id);
      await driver.remove(id);
    }
    return send(200, { ok: true });
  }
  if (!held) throw new DomainError('not_found', `volume ${id} does not exist on this host (no instance has used it yet)`);
  if (req.method === 'GET' && action === '/snapshots') return send(200, { snapshots: await driver.listSnapshots(id) });
  if (req.method !== 'POST') return send(405, { code: 'invalid_request', message: `${req.method} not allowed here`, details: null });
  const body = await readJsonBody(req);
  if (action === '/snapshots') {
    const name = field(body, 'name');
    if (!SNAPSHOT_NAME.test(name)) throw new DomainError('invalid_request', `snapshot name "${name}" is not valid`);
    if ((await driver.listSnapshots(id)).includes(name)) throw new DomainError('conflict', `volume ${id} already has a snapshot named ${name}`);
    await (ops.snapshot ?? ((i: string, n: string) => driver.snapshot(i, n)))(id, name);
    return send(200, { ok: true });
  }
  if (action === '/restore') {
    const snapshot = optionalField(body, 'snapshot');
    const archive = optionalField(body, 'archive');
    await driver.unmount(id);
    if (snapshot !== undefined) {
      if (!(await driver.listSnapshots(id)).includes(snapshot)) throw new DomainError('not_found', `volume ${id} has no snapshot named ${snapshot}`);
      await driver.restoreSnapshot(id, snapshot);
    } else if (archive !== undefined) {
      await ops.restoreArchive(id, archive);
    } else throw new DomainError('invalid_request', 'give "snapshot" or "archive"');
    return send(200, { ok: true });
  }
  if (action === '/backup') {
    const to = field(body, 'to');
    backupTarget(to);
    return send(200, await ops.backup(id, to));
  }
  if (action === '/prune') {
    const to = field(body, 'to');
    const keep = body.keep;
    const target = backupTarget(to);
    if (typeof keep !== 'number' || !Number.isInteger(keep) || keep < 1) throw new DomainError('invalid_request', '"keep" must be a whole number of at least 1');
    if (ops.prune) return send(200, { removed: await ops.prune(id, to, keep) });
    if (target.kind !== 'dir') throw new DomainError('invalid_request', `this agent cannot reach ${to}`);
    return send(200, { removed: await pruneBackups(target.dir, id, keep) });
  }
  send(404, { code: 'not_found', message: `no route ${req.method} ${url.pathname}`, details: null });
}

async function usage(driver: VolumeDriver, id: string) {
  const u = await driver.usage(id);
  return { size_mib: u.sizeMib, used_mib: u.usedMib };
}

/** A backup directory or sftp:// target, or a 400 saying what is wrong with it. */
function backupTarget(to: string): BackupTarget {
  try {
    return parseBackupTarget(to);
  } catch (error) {
    if (error instanceof BackupTargetError) throw new DomainError('invalid_request', error.message);
    throw error;
  }
}

function field(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw new DomainError('invalid_request', `"${name}" must be a non-empty string`);
  return value;
}

function optionalField(body: Record<string, unknown>, name: string): string | undefined {
  return body[name] === undefined ? undefined : field(body, name);
}

