import fc from 'fast-check';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { createHarness, type Harness, registerBody, taskFile } from '../support/api-harness.js';
import { yieldingStore } from '../support/yielding-store.js';

// Deploys and scales that race for the last capacity of a group. Requests are fired together.
// Each case runs twice: on the SQLite store as it is, and on one that yields to the event loop
// before every query (as a networked database does), so that the handlers of concurrent requests
// truly interleave between their reads and their writes; only their transactions stay serial.

let h: Harness;
let wrapStore: ((store: Store) => Store) | undefined;
const newHarness = () => createHarness(undefined, wrapStore ? { wrapStore } : {});

beforeEach(async () => {
  h = await newHarness();
});
afterEach(async () => {
  await h.close();
});

async function register(name: string, cpus: number): Promise<void> {
  const res = await h.request('POST', '/v1/agent/register', registerBody(name, 'web', { cpus, memory_mib: 65_536 }));
  expect(res.status).toBe(200);
}

const appName = (n: number) => `app-${String(n).padStart(2, '0')}`;

function deployAll(n: number, opts: { cpus?: number; force?: boolean } = {}) {
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      h.request('POST', '/v1/deploy', { task: taskFile({ app: appName(i), count: 1, cpus: opts.cpus ?? 1, memory: '64MiB' }), ...(opts.force ? { force: true } : {}) }),
    ),
  );
}

/** Placed (live) instances per app and allocated vs total cpus per host, through the API. */
async function placement() {
  const apps = (await h.request('GET', '/v1/apps')).body.apps as { name: string; count: number; instances: { desired: string }[] }[];
  const placed = new Map(apps.map((a) => [a.name, a.instances.filter((i) => i.desired === 'run').length]));
  const hosts = (await h.request('GET', '/v1/hosts')).body.hosts as { name: string; cpus: { allocated: number; total: number } }[];
  return { apps, placed, hosts };
}

function expectRefusedWithShortfall(res: { status: number; body: { code: string; message: string; details: { shortfall: unknown[] } } }) {
  expect(res.status).toBe(409);
  expect(res.body.code).toBe('insufficient_capacity');
  expect(res.body.message).toMatch(/--force/);
  expect(res.body.details.shortfall).toContainEqual({ resource: 'cpu', requested: 1, free: 0, missing: 1 });
}

describe.each([
  ['SQLite as it is', undefined],
  ['a store that yields before every query', yieldingStore],
])('on %s', (_store, wrap) => {
  beforeAll(() => {
    wrapStore = wrap;
  });

  describe('deploys racing for the last capacity', () => {
    it.each([
      ['one 4-cpu host', [4]],
      ['two 2-cpu hosts', [2, 2]],
    ])('admits exactly as many of 50 concurrent 1-cpu deploys as fit in %s, and the control pass places exactly those', async (_name, cpus) => {
      for (const [n, c] of cpus.entries()) await register(`h${n}`, c);
      const answers = await deployAll(50);
      const accepted = answers.filter((r) => r.status === 201);
      expect(accepted).toHaveLength(4);
      for (const res of answers.filter((r) => r.status !== 201)) expectRefusedWithShortfall(res);

      await h.loop.runOnce();
      const { apps, placed, hosts } = await placement();
      expect(apps.map((a) => a.name).sort()).toEqual(accepted.map((r) => r.body.app).sort());
      for (const app of apps) expect(placed.get(app.name)).toBe(1);
      for (const host of hosts) expect(host.cpus.allocated).toBe(host.cpus.total);
    });

    it('places all 50 when forced, recording each one beyond capacity as over-provisioned', async () => {
      await register('h0', 4);
      const answers = await deployAll(50, { force: true });
      expect(answers.map((r) => r.status)).toEqual(Array(50).fill(201));
      const warned = answers.filter((r) => r.body.warnings.some((w: string) => /over-provisioned/.test(w)));
      expect(warned).toHaveLength(46);

      await h.loop.runOnce();
      const { placed, hosts } = await placement();
      expect([...placed.values()]).toEqual(Array(50).fill(1));
      expect(hosts[0]!.cpus).toEqual({ allocated: 50, total: 4 });
      const events = (await h.request('GET', '/v1/events?limit=1000')).body.events as { kind: string }[];
      expect(events.filter((e) => e.kind === 'capacity.overprovisioned').length).toBeGreaterThanOrEqual(46);
    });

    it('counts what earlier deploys are owed before the control pass has placed anything', async () => {
      await register('h0', 4);
      expect((await h.request('POST', '/v1/deploy', { task: taskFile({ app: 'first', count: 3, cpus: 1, memory: '64MiB' }) })).status).toBe(201);
      const refused = await h.request('POST', '/v1/deploy', { task: taskFile({ app: 'second', count: 2, cpus: 1, memory: '64MiB' }) });
      expect(refused.status).toBe(409);
      expect(refused.body.message).toMatch(/3 instance\(s\) owed to 1 other app\(s\) not placed yet/);
      expect(refused.body.details.shortfall).toContainEqual({ resource: 'cpu', requested: 2, free: 1, missing: 1 });
    });

    it('answers 50 concurrent deploys over real HTTP the same way', async () => {
      await register('h0', 4);
      const address = await h.app.listen({ host: '127.0.0.1', port: 0 });
      const answers = await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const res = await fetch(`${address}/v1/deploy`, {
            method: 'POST',
            headers: { authorization: 'Bearer bubo_test_token_0123456789', 'content-type': 'application/json' },
            body: JSON.stringify({ task: taskFile({ app: appName(i), count: 1, cpus: 1, memory: '64MiB' }) }),
          });
          return { status: res.status, body: (await res.json()) as Awaited<ReturnType<Harness['request']>>['body'] };
        }),
      );
      expect(answers.filter((r) => r.status === 201)).toHaveLength(4);
      for (const res of answers.filter((r) => r.status !== 201)) expectRefusedWithShortfall(res);
      await h.loop.runOnce();
      const { placed, hosts } = await placement();
      expect([...placed.values()]).toEqual([1, 1, 1, 1]);
      expect(hosts[0]!.cpus).toEqual({ allocated: 4, total: 4 });
    });
  });

  describe('scales racing for the last capacity', () => {
    async function fourPlacedApps() {
      await register('h0', 8);
      for (let i = 0; i < 4; i++) expect((await h.request('POST', '/v1/deploy', { task: taskFile({ app: appName(i), count: 1, cpus: 1, memory: '64MiB' }) })).status).toBe(201);
      await h.loop.runOnce();
    }
    const scaleAll = (count: number, force: boolean) =>
      Promise.all(Array.from({ length: 4 }, (_, i) => h.request('POST', `/v1/apps/default/${appName(i)}/scale`, { count, ...(force ? { force: true } : {}) })));

    it('admits exactly as many concurrent scale-ups as fit, and the control pass places exactly those', async () => {
      await fourPlacedApps();
      // Each of the four asks for two more cpus; four are free.
      const answers = await scaleAll(3, false);
      expect(answers.filter((r) => r.status === 200)).toHaveLength(2);
      for (const res of answers.filter((r) => r.status !== 200)) {
        expect(res.status).toBe(409);
        expect(res.body.code).toBe('insufficient_capacity');
        expect(res.body.details.shortfall).toContainEqual({ resource: 'cpu', requested: 3, free: 1, missing: 2 });
      }
      await h.loop.runOnce();
      const { apps, placed, hosts } = await placement();
      for (const app of apps) expect(placed.get(app.name)).toBe(app.count);
      expect(apps.map((a) => a.count).sort()).toEqual([1, 1, 3, 3]);
      expect(hosts[0]!.cpus).toEqual({ allocated: 8, total: 8 });
    });

    it('admits them all when forced and places them over capacity', async () => {
      await fourPlacedApps();
      const answers = await scaleAll(3, true);
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      await h.loop.runOnce();
      const { placed, hosts } = await placement();
      expect([...placed.values()]).toEqual([3, 3, 3, 3]);
      expect(hosts[0]!.cpus).toEqual({ allocated: 12, total: 8 });
      const events = (await h.request('GET', '/v1/events?limit=1000')).body.events as { kind: string }[];
      expect(events.filter((e) => e.kind === 'capacity.overprovisioned').length).toBeGreaterThanOrEqual(2);
      // Shrinking is never refused, even in a group that is still over capacity after it.
      expect((await h.request('POST', `/v1/apps/default/${appName(0)}/scale`, { count: 2 })).status).toBe(200);
    });
  });

  describe('random concurrent deploys and scales', () => {
    // One host, so that "fits" is a plain sum whatever the instance sizes (no fragmentation), and
    // demand only grows, so a request refused at its turn would still not fit at the end.
    it('admit only what fits, place all of it, and never over-commit the host', async () => {
      const op = fc.oneof(
        fc.record({ kind: fc.constant('deploy' as const), cpus: fc.integer({ min: 1, max: 3 }), count: fc.integer({ min: 1, max: 3 }) }),
        fc.record({ kind: fc.constant('scale' as const), target: fc.integer({ min: 0, max: 3 }), by: fc.integer({ min: 1, max: 3 }) }),
      );
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 2, max: 12 }), fc.array(op, { minLength: 1, maxLength: 16 }), async (capacity, ops) => {
          await h.close();
          h = await newHarness();
          await register('h0', capacity);
          // Four apps exist before the race, each at 1 instance of 1 cpu when they fit.
          const base: string[] = [];
          for (let i = 0; i < 4; i++) {
            const res = await h.request('POST', '/v1/deploy', { task: taskFile({ app: `base-${i}`, count: 1, cpus: 1, memory: '64MiB' }) });
            if (res.status === 201) base.push(`base-${i}`);
          }
          const scaled = new Set<string>();
          const requests = ops.flatMap((o, n) => {
            if (o.kind === 'deploy') {
              const demand = o.cpus * o.count;
              return [{ demand, send: () => h.request('POST', '/v1/deploy', { task: taskFile({ app: `new-${n}`, count: o.count, cpus: o.cpus, memory: '64MiB' }) }) }];
            }
            const name = base[o.target];
            if (name === undefined || scaled.has(name)) return []; // one scale per app keeps each one's demand known
            scaled.add(name);
            return [{ demand: o.by, send: () => h.request('POST', `/v1/apps/default/${name}/scale`, { count: 1 + o.by }) }];
          });
          const answers = await Promise.all(requests.map((r) => r.send()));
          for (const a of answers) expect([200, 201, 409]).toContain(a.status);
          const admitted = base.length + requests.reduce((sum, r, n) => sum + (answers[n]!.status === 409 ? 0 : r.demand), 0);
          expect(admitted).toBeLessThanOrEqual(capacity);
          requests.forEach((r, n) => {
            if (answers[n]!.status === 409) expect(admitted + r.demand).toBeGreaterThan(capacity);
          });

          await h.loop.runOnce();
          const { apps, placed, hosts } = await placement();
          for (const app of apps) expect(placed.get(app.name)).toBe(app.count);
          expect(hosts[0]!.cpus.allocated).toBe(admitted);
        }),
        { numRuns: 25 },
      );
    }, 60_000);
  });
}, 30_000);

describe('a rollout needs room for its first step beside the old instances', () => {
  beforeAll(() => {
    wrapStore = undefined;
  });
  const v2 = (deploy: string) => `${taskFile({ app: 'shop', count: 2, cpus: 1, memory: '64MiB' }).replace('1.4.2', '1.5.0')}\n[deploy]\n${deploy}\n`;

  async function fullGroup() {
    await register('h0', 2);
    expect((await h.request('POST', '/v1/deploy', { task: taskFile({ app: 'shop', count: 2, cpus: 1, memory: '64MiB' }) })).status).toBe(201);
    await h.loop.runOnce();
  }

  it.each([
    ['blue-green (the new set runs beside the old one)', 'strategy = "blue-green"', 409, /needs 2 new instance\(s\) running beside the 2 old one\(s\)/],
    ['rolling with max_unavailable = 0 (one new beside the old ones)', 'max_unavailable = 0\nmax_surge = 1', 409, /needs 1 new instance\(s\) running beside the 2 old one\(s\)/],
    ['rolling with max_unavailable = 1 (stops one first)', 'max_unavailable = 1\nmax_surge = 1', 201, null],
  ])('in a full group: %s', async (_name, deploy, status, message) => {
    await fullGroup();
    const res = await h.request('POST', '/v1/deploy', { task: v2(deploy) });
    expect(res.status).toBe(status);
    if (message) {
      expect(res.body.code).toBe('insufficient_capacity');
      expect(res.body.message).toMatch(message);
      expect(res.body.message).toMatch(/--force/);
      expect(res.body.details.shortfall.find((r: { resource: string }) => r.resource === 'cpu').missing).toBeGreaterThan(0);
    }
  });

  it('is placed over capacity when forced', async () => {
    await fullGroup();
    const res = await h.request('POST', '/v1/deploy', { task: v2('strategy = "blue-green"'), force: true });
    expect(res.status).toBe(201);
    await h.loop.runOnce();
    const { hosts } = await placement();
    expect(hosts[0]!.cpus).toEqual({ allocated: 4, total: 2 });
  });
});
