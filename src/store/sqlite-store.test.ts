import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App, Release } from '../domain/app.js';
import type { Deployment } from '../domain/deployment.js';
import type { BuboEvent } from '../domain/event.js';
import type { Host } from '../domain/host.js';
import type { Instance } from '../domain/instance.js';
import type { TaskSpec } from '../domain/task-spec.js';
import type { Database } from './database-schema.js';
import { ROWS_PER_STATEMENT } from './kysely-store.js';
import { migrateToLatest } from './migrate-to-latest.js';
import { openSqliteStore } from './sqlite-store.js';
import { type Volume, volumeId } from '../domain/volume.js';
import type { BackupRun } from '../domain/backup-run.js';
import type { Operation } from '../domain/operation.js';
import type { Store } from './store.js';

// A millisecond timestamp past 2^32 (and with a non-zero ms part) so truncation would show.
const T0 = Date.parse('2026-11-24T12:00:00.123Z');

function host(over: Partial<Host> = {}): Host {
  return {
    id: 'host-a',
    name: 'alpha',
    group: 'edge',
    address: '192.0.2.10',
    subnet: '10.64.1.0/24',
    capacity: { millicpus: 4000, memoryMib: 8192, diskMib: 102400 },
    runtimes: [
      { name: 'firecracker', kind: 'microvm', available: false, reason: 'no /dev/kvm' },
      { name: 'runc', kind: 'container', available: true },
    ],
    labels: { zone: 'a', ssd: 'true' },
    roles: ['lb'],
    cordoned: true,
    status: 'ready',
    registeredAt: T0,
    lastHeartbeatAt: T0 + 1,
    ...over,
  };
}

function app(over: Partial<App> = {}): App {
  return { id: 'default/web', namespace: 'default', name: 'web', group: 'edge', count: 3, stopped: false, destroying: true, release: null, overProvision: true, createdAt: T0, updatedAt: T0 + 2, ...over };
}

const SPEC: TaskSpec = {
  app: 'web',
  namespace: 'default',
  group: 'edge',
  count: 3,
  runtime: 'microvm',
  resources: { cpus: 0.5, memory_mib: 256, disk_mib: 1024 },
  containers: [
    { name: 'web', image: 'nginx:1.27', command: null, args: ['-g', 'daemon off;'], env: { A: 'ü "quoted"' }, workdir: null, user: 'www', secrets: [{ name: 'db', file: null }], restart: 'always', stop_timeout_ms: 10_000 },
  ],
  ports: [{ name: 'http', port: 8080, protocol: 'http', public: { host: 'web.example.com', port: 443, tls: { cert: 'c', key: 'k' } } }],
  check: { kind: 'http', port: 'http', path: '/healthz', expect: null, command: null, interval_ms: 5000, timeout_ms: 1000, healthy_threshold: 2, unhealthy_threshold: 3, grace_period_ms: 0 },
  deploy: { strategy: 'rolling', max_unavailable: 1, max_surge: 1, healthy_deadline_ms: 300_000, drain_delay_ms: 2_000, switch_grace_ms: 30_000 },
  volumes: [{ name: 'data', size_mib: 512, path: '/data' }],
};

function release(over: Partial<Release> = {}): Release {
  return { appId: 'default/web', version: 1, spec: SPEC, warnings: ['group edge is over-provisioned'], digests: {}, secretVersions: { db: 2 }, createdAt: T0, ...over };
}

function instance(over: Partial<Instance> = {}): Instance {
  return { id: 'i-1', appId: 'default/web', release: 1, hostId: 'host-a', slot: 0, desired: 'run', state: 'running', address: null, message: '', health: 'none', healthMessage: '', createdAt: T0, updatedAt: T0, ...over };
}

function deployment(over: Partial<Deployment> = {}): Deployment {
  return { id: 'd-1', appId: 'default/web', fromRelease: null, fromCount: null, toRelease: 1, kind: 'deploy', status: 'running', message: 'rolling out', switchedAt: null, createdAt: T0, updatedAt: T0, ...over };
}

function event(over: Partial<Omit<BuboEvent, 'id'>> = {}): Omit<BuboEvent, 'id'> {
  return { at: T0, actor: 'admin', kind: 'release.created', appId: 'default/web', hostId: null, message: 'release 1 created', data: { version: 1, nested: { ok: true, list: [1, 'two'] } }, ...over };
}

let dir: string;
let path: string;
let store: Store;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bubo-store-'));
  path = join(dir, 'bubo.db');
  store = await openSqliteStore(path);
});

afterEach(async () => {
  await store.close().catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

/** Reads go through a fresh connection so a test proves the data reached the file. */
async function reopen(): Promise<Store> {
  await store.close();
  store = await openSqliteStore(path);
  return store;
}

describe('round trips through a file-backed store', () => {
  it('keeps every field of a host, including JSON, booleans and ms timestamps', async () => {
    const h = host();
    await store.upsertHost(h);
    const s = await reopen();
    expect(await s.getHost('host-a')).toStrictEqual(h);
    expect(await s.getHostByName('alpha')).toStrictEqual(h);
    expect(await s.getHost('missing')).toBeUndefined();
  });

  it('replaces a host on upsert and patches only the given fields on update', async () => {
    await store.upsertHost(host());
    await store.upsertHost(host({ address: '192.0.2.11', cordoned: false }));
    await store.upsertHost(host({ id: 'host-b', name: 'beta' }));
    await store.updateHost('host-a', { status: 'down', lastHeartbeatAt: T0 + 99, capacity: { millicpus: 1, memoryMib: 2, diskMib: 3 }, labels: {}, roles: [], runtimes: [], group: 'core' });
    const s = await reopen();
    expect(await s.getHost('host-a')).toStrictEqual(
      host({ address: '192.0.2.11', cordoned: false, status: 'down', lastHeartbeatAt: T0 + 99, capacity: { millicpus: 1, memoryMib: 2, diskMib: 3 }, labels: {}, roles: [], runtimes: [], group: 'core' }),
    );
    expect((await s.listHosts()).map((h) => h.name)).toStrictEqual(['alpha', 'beta']);
  });

  it('keeps groups once and lists them by name', async () => {
    await store.ensureGroup('edge', T0);
    await store.ensureGroup('core', T0);
    await store.ensureGroup('edge', T0 + 1);
    expect(await (await reopen()).listGroups()).toStrictEqual(['core', 'edge']);
  });

  it('keeps every field of an app, including a null release, and applies patches', async () => {
    const a = app();
    await store.insertApp(a);
    expect(await (await reopen()).getApp(a.id)).toStrictEqual(a);
    await store.updateApp(a.id, { release: 4, stopped: true, destroying: false, overProvision: false, count: 0, group: 'core', updatedAt: T0 + 5 });
    const patched = { ...a, release: 4, stopped: true, destroying: false, overProvision: false, count: 0, group: 'core', updatedAt: T0 + 5 };
    expect(await (await reopen()).getApp(a.id)).toStrictEqual(patched);
    await store.updateApp(a.id, { release: null });
    expect((await store.getApp(a.id))?.release).toBeNull();
    expect(await store.listApps()).toHaveLength(1);
  });

  it('keeps a release with its whole task spec and lists releases newest first', async () => {
    await store.insertApp(app());
    expect(await store.latestReleaseVersion('default/web')).toBe(0);
    await store.insertRelease(release());
    await store.insertRelease(release({ version: 2, warnings: [] }));
    const s = await reopen();
    expect(await s.getRelease('default/web', 1)).toStrictEqual(release());
    expect((await s.listReleases('default/web')).map((r) => r.version)).toStrictEqual([2, 1]);
    expect(await s.latestReleaseVersion('default/web')).toBe(2);
    expect(await s.getRelease('default/web', 3)).toBeUndefined();
  });

  it('pins the digests of a release once: the first report wins', async () => {
    await store.insertApp(app());
    await store.insertRelease(release());
    const first = { web: `sha256:${'a'.repeat(64)}` };
    expect(await store.pinReleaseDigests('default/web', 1, first)).toBe(true);
    expect(await store.pinReleaseDigests('default/web', 1, { web: `sha256:${'b'.repeat(64)}` })).toBe(false);
    expect((await (await reopen()).getRelease('default/web', 1))?.digests).toStrictEqual(first);
  });

  it('refuses a second release with the same version', async () => {
    await store.insertApp(app());
    await store.insertRelease(release());
    await expect(store.insertRelease(release())).rejects.toThrow();
  });

  it('keeps every field of an instance and applies single and bulk patches', async () => {
    await store.insertApp(app());
    const many = Array.from({ length: ROWS_PER_STATEMENT * 2 + 37 }, (_, slot) => instance({ id: `i-${String(slot).padStart(5, '0')}`, slot, address: slot % 2 === 0 ? null : `10.64.1.${slot % 250}`, message: `m${slot}` }));
    await store.insertInstances(many);
    let s = await reopen();
    expect(await s.listInstances()).toStrictEqual(many);
    await s.updateInstance('i-00000', { state: 'failed', address: '10.64.1.9', message: 'exit 1', updatedAt: T0 + 7 });
    expect(await s.getInstance('i-00000')).toStrictEqual({ ...many[0], state: 'failed', address: '10.64.1.9', message: 'exit 1', updatedAt: T0 + 7 });
    const ids = many.slice(1).map((i) => i.id);
    await s.updateInstances(ids, { desired: 'stop', address: null, updatedAt: T0 + 8 });
    s = await reopen();
    const after = await s.listInstances();
    expect(after.slice(1).every((i) => i.desired === 'stop' && i.address === null && i.updatedAt === T0 + 8)).toBe(true);
    expect(after[0]?.desired).toBe('run');
  });

  it('refuses an instance of an app that does not exist', async () => {
    await expect(store.insertInstances([instance({ appId: 'default/ghost' })])).rejects.toThrow(/FOREIGN KEY/);
  });

  it('keeps every field of a deployment and finds the running one', async () => {
    await store.insertApp(app());
    await store.insertDeployment(deployment({ id: 'd-1', status: 'succeeded' }));
    await store.insertDeployment(deployment({ id: 'd-2', fromRelease: 1, fromCount: 3, toRelease: 2, createdAt: T0 + 10, updatedAt: T0 + 10 }));
    const s = await reopen();
    expect(await s.getDeployment('d-1')).toStrictEqual(deployment({ id: 'd-1', status: 'succeeded' }));
    expect((await s.activeDeployment('default/web'))?.id).toBe('d-2');
    expect((await s.listDeployments('default/web')).map((d) => d.id)).toStrictEqual(['d-2', 'd-1']);
    await s.updateDeployment('d-2', { status: 'failed', message: 'unhealthy', updatedAt: T0 + 11 });
    expect(await s.activeDeployment('default/web')).toBeUndefined();
    expect(await s.getDeployment('d-2')).toStrictEqual(deployment({ id: 'd-2', fromRelease: 1, fromCount: 3, toRelease: 2, status: 'failed', message: 'unhealthy', createdAt: T0 + 10, updatedAt: T0 + 11 }));
  });

  it('keeps every field of an event and numbers events in order', async () => {
    await store.appendEvents([event(), event({ appId: null, hostId: 'host-a', kind: 'host.cordoned', actor: 'host:alpha', data: {} })]);
    const events = await (await reopen()).listEvents();
    expect(events).toStrictEqual([
      { id: 1, ...event() },
      { id: 2, ...event({ appId: null, hostId: 'host-a', kind: 'host.cordoned', actor: 'host:alpha', data: {} }) },
    ]);
  });
});

describe('transactions', () => {
  it('roll back everything written when the function throws', async () => {
    await store.insertApp(app({ id: 'default/kept', name: 'kept' }));
    await expect(
      store.transaction(async (tx) => {
        await tx.insertApp(app());
        await tx.insertRelease(release());
        await tx.insertInstances(Array.from({ length: 1200 }, (_, n) => instance({ id: `i-${n}`, slot: n })));
        await tx.updateApp('default/kept', { count: 99 });
        await tx.appendEvents([event()]);
        await tx.incrementCounter('assignments');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const s = await reopen();
    expect((await s.listApps()).map((a) => a.id)).toStrictEqual(['default/kept']);
    expect((await s.getApp('default/kept'))?.count).toBe(3);
    expect(await s.listReleases('default/web')).toStrictEqual([]);
    expect(await s.listInstances()).toStrictEqual([]);
    expect(await s.listEvents()).toStrictEqual([]);
    expect(await s.getCounter('assignments')).toBe(0);
  });

  it('commit everything when the function returns, and pass its result through', async () => {
    const result = await store.transaction(async (tx) => {
      await tx.insertApp(app());
      await tx.insertInstances([instance()]);
      return tx.incrementCounter('assignments');
    });
    expect(result).toBe(1);
    const s = await reopen();
    expect(await s.getApp('default/web')).toBeDefined();
    expect(await s.getInstance('i-1')).toBeDefined();
  });

  it('run a nested transaction inline, so the outer rollback undoes it too', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.transaction(async (inner) => inner.insertApp(app()));
        expect(await tx.getApp('default/web')).toBeDefined();
        throw new Error('outer fails');
      }),
    ).rejects.toThrow('outer fails');
    expect(await store.getApp('default/web')).toBeUndefined();
  });

  it('refuse to close the store from inside a transaction', async () => {
    await expect(store.transaction((tx) => tx.close())).rejects.toThrow(/Cannot close a store from inside its transaction/);
  });
});

describe('opening', () => {
  it('keeps the data on reopen, records the migration once and does not re-run it', async () => {
    await store.insertApp(app());
    await reopen();
    await reopen();
    expect(await store.getApp('default/web')).toBeDefined();
    await store.close();

    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new BetterSqlite3(path) }) });
    try {
      expect(await migrateToLatest(db)).toStrictEqual([]);
      const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
      expect(rows.map((r) => r.name)).toStrictEqual(['0001-initial', '0002-host-agent-url', '0003-release-digests', '0004-health', '0005-deployment-from-count', '0006-rollback-kind-live-slot', '0007-join-tokens-host-certs', '0008-secrets', '0009-audit', '0010-api-tokens', '0011-volumes', '0012-backup-runs', '0013-operations', '0014-instance-moving']);
    } finally {
      await db.destroy();
    }
    store = await openSqliteStore(path);
  });

  it('puts the file in WAL mode', async () => {
    await store.close();
    const raw = new BetterSqlite3(path);
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
    store = await openSqliteStore(path);
  });

  it('works in memory', async () => {
    const mem = await openSqliteStore(':memory:');
    await mem.insertApp(app());
    expect(await mem.getApp('default/web')).toStrictEqual(app());
    await mem.close();
  });
});

describe('listInstances', () => {
  beforeEach(async () => {
    await store.insertApp(app());
    await store.insertApp(app({ id: 'default/api', name: 'api' }));
    await store.insertInstances([
      instance({ id: 'a', hostId: 'host-a', state: 'running', updatedAt: T0 }),
      instance({ id: 'b', hostId: 'host-b', slot: 1, state: 'pending', updatedAt: T0 + 10 }),
      instance({ id: 'c', hostId: 'host-a', state: 'failed', desired: 'run', updatedAt: T0 + 20 }),
      instance({ id: 'd', hostId: 'host-b', state: 'stopped', desired: 'stop', updatedAt: T0 + 30 }),
      instance({ id: 'e', appId: 'default/api', hostId: 'host-a', state: 'lost', desired: 'stop', updatedAt: T0 + 40 }),
      instance({ id: 'f', appId: 'default/api', hostId: 'host-b', state: 'stopping', desired: 'stop', updatedAt: T0 + 50 }),
    ]);
  });

  const ids = async (filter: Parameters<Store['listInstances']>[0]) => (await store.listInstances(filter)).map((i) => i.id);

  it('filters by app, host, liveness and update time, alone and combined', async () => {
    expect(await ids({})).toStrictEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(await ids({ appId: 'default/api' })).toStrictEqual(['e', 'f']);
    expect(await ids({ hostId: 'host-a' })).toStrictEqual(['a', 'c', 'e']);
    expect(await ids({ live: true })).toStrictEqual(['a', 'b', 'f']);
    expect(await ids({ live: false })).toStrictEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(await ids({ updatedSince: T0 + 20 })).toStrictEqual(['c', 'd', 'e', 'f']);
    expect(await ids({ appId: 'default/web', hostId: 'host-b', live: true })).toStrictEqual(['b']);
  });

  it('returns unsettled instances: live ones and terminal ones still desired to run', async () => {
    expect(await ids({ unsettled: true })).toStrictEqual(['a', 'b', 'c', 'f']);
    expect(await ids({ unsettled: true, live: true })).toStrictEqual(['a', 'b', 'c', 'f']);
    expect(await ids({ unsettled: true, hostId: 'host-a' })).toStrictEqual(['a', 'c']);
  });

  it('prunes only terminal instances last updated before the cutoff', async () => {
    expect(await store.pruneInstances(T0 + 40)).toBe(2);
    expect(await ids({})).toStrictEqual(['a', 'b', 'e', 'f']);
    expect(await store.pruneInstances(T0 + 1000)).toBe(1);
    expect(await ids({})).toStrictEqual(['a', 'b', 'f']);
  });
});

describe('one live instance per slot', () => {
  it('refuses a second live instance in the same app, release and slot, and allows it once the first is told to stop or is terminal', async () => {
    await store.insertApp(app());
    await store.insertInstances([instance({ id: 'a', slot: 0 }), instance({ id: 'b', slot: 0, release: 2 }), instance({ id: 'c', slot: 1 })]);
    await expect(store.insertInstances([instance({ id: 'a2', slot: 0 })])).rejects.toThrow(/UNIQUE/);
    await store.updateInstance('a', { desired: 'stop' });
    await store.insertInstances([instance({ id: 'a2', slot: 0, state: 'pending' })]);
    await store.updateInstance('c', { state: 'failed' });
    await store.insertInstances([instance({ id: 'c2', slot: 1, state: 'pending' })]);
    expect((await store.listInstances({ live: true })).map((i) => i.id)).toStrictEqual(['a', 'a2', 'b', 'c2']);
  });

  it('lets a moving instance share its slot with its replacement, and reads the mark back', async () => {
    await store.insertApp(app());
    await store.insertInstances([instance({ id: 'a', slot: 0 })]);
    await store.updateInstances(['a'], { moving: true });
    await store.insertInstances([instance({ id: 'a2', slot: 0, state: 'pending' })]);
    expect((await store.listInstances({ live: true })).map((i) => [i.id, i.moving ?? false])).toStrictEqual([['a', true], ['a2', false]]);
    await expect(store.insertInstances([instance({ id: 'a3', slot: 0 })])).rejects.toThrow(/UNIQUE/);
  });

  it('records whether a deployment is a rollback', async () => {
    await store.insertApp(app());
    await store.insertDeployment(deployment({ id: 'back', kind: 'rollback' }));
    expect((await store.getDeployment('back'))?.kind).toBe('rollback');
  });
});

describe('deleteApp', () => {
  it('removes the app with its releases, instances and deployments but keeps events and other apps', async () => {
    for (const id of ['default/web', 'default/api']) {
      await store.insertApp(app({ id, name: id.slice(8) }));
      await store.insertRelease(release({ appId: id }));
      await store.insertInstances([instance({ id: `${id}-i`, appId: id })]);
      await store.insertDeployment(deployment({ id: `${id}-d`, appId: id }));
      await store.appendEvents([event({ appId: id })]);
    }
    await store.deleteApp('default/web');
    const s = await reopen();
    expect(await s.getApp('default/web')).toBeUndefined();
    expect(await s.listReleases('default/web')).toStrictEqual([]);
    expect(await s.listInstances({ appId: 'default/web' })).toStrictEqual([]);
    expect(await s.listDeployments('default/web')).toStrictEqual([]);
    expect(await s.listEvents({ appId: 'default/web' })).toHaveLength(1);
    expect(await s.getApp('default/api')).toBeDefined();
    expect(await s.listInstances({ appId: 'default/api' })).toHaveLength(1);
    expect(await s.listReleases('default/api')).toHaveLength(1);
    expect(await s.listDeployments('default/api')).toHaveLength(1);
  });
});

describe('listEvents', () => {
  beforeEach(async () => {
    await store.appendEvents(Array.from({ length: 250 }, (_, n) => event({ at: T0 + n, appId: n % 2 === 0 ? 'default/web' : 'default/api', hostId: n % 5 === 0 ? 'host-a' : null, message: `e${n + 1}` })));
  });

  it('returns the newest 100 by default, oldest first', async () => {
    const events = await store.listEvents();
    expect(events.map((e) => e.id)).toStrictEqual(Array.from({ length: 100 }, (_, n) => 151 + n));
  });

  it('applies limit and after together: the newest of those after the cursor', async () => {
    expect((await store.listEvents({ limit: 3 })).map((e) => e.id)).toStrictEqual([248, 249, 250]);
    expect((await store.listEvents({ after: 245 })).map((e) => e.id)).toStrictEqual([246, 247, 248, 249, 250]);
    expect((await store.listEvents({ after: 10, limit: 2 })).map((e) => e.id)).toStrictEqual([249, 250]);
    expect(await store.listEvents({ after: 250 })).toStrictEqual([]);
  });

  it('filters by app and host', async () => {
    expect((await store.listEvents({ appId: 'default/api', limit: 2 })).map((e) => e.id)).toStrictEqual([248, 250]);
    expect((await store.listEvents({ hostId: 'host-a', limit: 3 })).map((e) => e.id)).toStrictEqual([236, 241, 246]);
    expect((await store.listEvents({ appId: 'default/web', hostId: 'host-a', limit: 2 })).map((e) => e.id)).toStrictEqual([231, 241]);
  });
});

describe('counters', () => {
  it('start at zero and increase by one, also across reopen', async () => {
    expect(await store.getCounter('assignments')).toBe(0);
    expect(await store.incrementCounter('assignments')).toBe(1);
    expect(await store.incrementCounter('assignments')).toBe(2);
    expect(await store.incrementCounter('other')).toBe(1);
    const s = await reopen();
    expect(await s.getCounter('assignments')).toBe(2);
    expect(await s.incrementCounter('assignments')).toBe(3);
  });
});

describe('throughput', () => {
  it('inserts 200,000 instances in one transaction (rate printed, not asserted)', async () => {
    await store.insertApp(app());
    const count = 200_000;
    const rows = Array.from({ length: count }, (_, slot) => instance({ id: `bench-${slot.toString(16).padStart(8, '0')}`, slot, hostId: `host-${slot % 1000}`, state: 'pending' }));
    const t0 = performance.now();
    await store.transaction((tx) => tx.insertInstances(rows));
    const seconds = (performance.now() - t0) / 1000;
    console.log(`store: inserted ${count} instances in ${(seconds * 1000).toFixed(0)} ms = ${Math.round(count / seconds)} rows/s`);
    expect(await store.listInstances({ hostId: 'host-0' })).toHaveLength(count / 1000);
  }, 60_000);
});

describe('volumes', () => {
  const volume = (slot: number, hostId: string, name = 'data'): Volume => ({
    id: volumeId('default', 'pg', name, slot),
    appId: 'default/pg',
    name,
    slot,
    hostId,
    sizeMib: 1024,
    createdAt: 5,
  });

  it('records which host holds each slot, lists by app and host, grows and deletes', async () => {
    await store.insertVolumes([volume(0, 'h1'), volume(1, 'h2'), volume(0, 'h1', 'wal')]);
    expect((await store.listVolumes({ appId: 'default/pg' })).map((v) => v.id)).toEqual(['default.pg.data.0', 'default.pg.wal.0', 'default.pg.data.1']);
    expect((await store.listVolumes({ hostId: 'h2' })).map((v) => v.slot)).toEqual([1]);
    await store.updateVolumeSize('default.pg.data.0', 2048);
    expect((await store.listVolumes({ hostId: 'h1' })).find((v) => v.name === 'data')).toEqual({ ...volume(0, 'h1'), sizeMib: 2048 });
    await store.deleteVolumes(['default.pg.data.0', 'default.pg.wal.0']);
    expect(await store.listVolumes()).toEqual([volume(1, 'h2')]);
  });

  it('survives a reopen of the file', async () => {
    await store.insertVolumes([volume(0, 'h1')]);
    await store.close();
    store = await openSqliteStore(path);
    expect(await store.listVolumes()).toEqual([volume(0, 'h1')]);
  });
});

describe('backup runs', () => {
  const run = (id: string, volumeId: string, startedAt: number, over: Partial<BackupRun> = {}): BackupRun => ({
    id,
    appId: 'default/pg',
    volumeId,
    startedAt,
    finishedAt: null,
    status: 'running',
    archive: null,
    sha256: null,
    bytes: null,
    error: null,
    pruned: false,
    ...over,
  });

  it('writes a run when it starts and replaces it when it ends; lists newest first, the latest per volume', async () => {
    await store.putBackupRun(run('r1', 'default.pg.data.0', 100));
    await store.putBackupRun(run('r1', 'default.pg.data.0', 100, { status: 'ok', finishedAt: 160, archive: '/b/a1.tar.gz', sha256: 'ab', bytes: 2 ** 40 }));
    await store.putBackupRun(run('r2', 'default.pg.data.0', 200, { status: 'failed', finishedAt: 201, error: 'host db1 unavailable' }));
    await store.putBackupRun(run('r3', 'default.pg.data.1', 150));
    await store.putBackupRun({ ...run('r4', 'default.web.data.0', 300), appId: 'default/web' });
    expect((await store.listBackupRuns({ appId: 'default/pg' })).map((r) => r.id)).toEqual(['r2', 'r3', 'r1']);
    expect((await store.listBackupRuns({ appId: 'default/pg', limit: 1 })).map((r) => r.id)).toEqual(['r2']);
    expect((await store.listBackupRuns({ volumeIds: ['default.pg.data.1'] })).map((r) => r.id)).toEqual(['r3']);
    expect(await store.listBackupRuns({ volumeIds: [] })).toEqual([]);
    const latest = await store.latestBackupRuns(['default.pg.data.0', 'default.pg.data.1', 'default.none.data.0']);
    expect([...latest.keys()]).toEqual(['default.pg.data.0', 'default.pg.data.1']);
    expect(latest.get('default.pg.data.0')).toEqual(run('r2', 'default.pg.data.0', 200, { status: 'failed', finishedAt: 201, error: 'host db1 unavailable' }));
    expect((await store.listBackupRuns({ volumeIds: ['default.pg.data.0'] })).find((r) => r.id === 'r1')?.bytes).toBe(2 ** 40);
  });

  it('marks pruned runs, and forgets the runs of a volume deleted', async () => {
    await store.putBackupRun(run('r1', 'default.pg.data.0', 100, { status: 'ok', archive: '/b/a1.tar.gz' }));
    await store.putBackupRun(run('r2', 'default.pg.data.1', 100));
    await store.markBackupRunsPruned(['r1']);
    expect((await store.listBackupRuns({ appId: 'default/pg' })).map((r) => [r.id, r.pruned])).toEqual([['r2', false], ['r1', true]]);
    await store.deleteVolumes(['default.pg.data.0']);
    expect((await store.listBackupRuns({ appId: 'default/pg' })).map((r) => r.id)).toEqual(['r2']);
  });
});

describe('operations', () => {
  const operation = (id: string, createdAt: number, over: Partial<Operation> = {}): Operation => ({
    id,
    kind: 'maintain',
    status: 'running',
    spec: { group: 'web', hosts: [], labels: {}, batch: { hosts: 1 }, run: 'patch', reboot: true, pauseAfterEachBatch: false, drainDeadlineMs: 600_000, rebootDeadlineMs: 900_000, settleDeadlineMs: 600_000 },
    batches: [{ hostIds: ['h1'], why: 'one host at a time (batch size 1)', moves: 1, stops: 0 }],
    warnings: [],
    hosts: [{ id: 'h1', name: 'web-1', batch: 0, state: 'pending', skipped: false, wasCordoned: false }],
    baseline: { 'default/shop': 2 },
    batch: 0,
    step: 'drain',
    stepStartedAt: createdAt,
    pauseRequested: false,
    failure: null,
    message: '',
    log: [],
    createdBy: 'admin',
    createdAt,
    updatedAt: createdAt,
    finishedAt: null,
    ...over,
  });

  it('keeps an operation across a reopen, replaces it on each step, lists newest first and the active ones', async () => {
    await store.putOperation(operation('o1', 100));
    await store.putOperation(operation('o1', 100, { status: 'done', step: 'settle', batch: 1, updatedAt: 180 }));
    await store.putOperation(operation('o2', 200, { status: 'paused' }));
    await store.putOperation(operation('o3', 300, { status: 'aborted' }));
    await reopen();
    expect(await store.getOperation('o1')).toEqual(operation('o1', 100, { status: 'done', step: 'settle', batch: 1, updatedAt: 180 }));
    expect(await store.getOperation('nope')).toBeUndefined();
    expect((await store.listOperations()).map((o) => o.id)).toEqual(['o3', 'o2', 'o1']);
    expect((await store.listOperations({ active: true })).map((o) => o.id)).toEqual(['o2']);
    expect((await store.listOperations({ limit: 1 })).map((o) => o.id)).toEqual(['o3']);
  });
});
