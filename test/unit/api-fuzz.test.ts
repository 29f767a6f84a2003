import fc from 'fast-check';
import { stringify } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../src/api/routes.js';
import { createHarness, type Harness, registerBody, taskFile } from '../support/api-harness.js';

/**
 * Random task files and random API bodies thrown at the server: it must answer every one with a
 * documented status below 500, keep answering, and keep the store consistent.
 */
describe('the API under random input', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness();
    await h.request('POST', '/v1/agent/register', registerBody('h1', 'web'));
    await h.request('POST', '/v1/deploy', { task: taskFile({ count: 1 }) });
    await h.loop.runOnce();
  });
  afterAll(async () => {
    await h.close();
  });

  async function assertConsistent() {
    expect((await h.request('GET', '/v1/health', undefined, null)).status).toBe(200);
    const apps = await h.store.listApps();
    const hosts = new Set((await h.store.listHosts()).map((x) => x.id));
    for (const app of apps) {
      const releases = await h.store.listReleases(app.id);
      expect(releases.map((r) => r.version)).toEqual(releases.map((_, n) => releases.length - n));
      if (app.release !== null) expect(releases.some((r) => r.version === app.release)).toBe(true);
    }
    const appIds = new Set(apps.map((a) => a.id));
    for (const instance of await h.store.listInstances()) {
      expect(appIds.has(instance.appId)).toBe(true);
      expect(hosts.has(instance.hostId)).toBe(true);
    }
  }

  const tomlValue = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.array(tie('value'), { maxLength: 3 }),
      tie('table'),
    ),
    table: fc.dictionary(fc.constantFrom('app', 'group', 'count', 'runtime', 'resources', 'containers', 'cpus', 'memory', 'image', 'name', 'ports', 'port', 'check', 'deploy', 'volumes', 'x'), tie('value'), { maxKeys: 6 }),
  }));

  it('answers random task files with a release or a 4xx naming the problem', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          tomlValue.table.map((t) => {
            try {
              return stringify(t);
            } catch {
              return '';
            }
          }),
          fc.constantFrom(taskFile(), taskFile({ count: 0 })).chain((base) =>
            fc.nat({ max: base.length }).map((cut) => base.slice(0, cut)),
          ),
        ),
        fc.boolean(),
        async (task, force) => {
          const res = await h.request('POST', '/v1/deploy', { task, force });
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(typeof res.body.message).toBe('string');
        },
      ),
      { numRuns: 150 },
    );
    await h.loop.runOnce();
    await assertConsistent();
  });

  it('answers random bodies and queries on every route with a documented status below 500', async () => {
    const names = Object.keys(routes) as (keyof typeof routes)[];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...names),
        fc.jsonValue({ maxDepth: 3 }),
        fc.dictionary(fc.constantFrom('host_id', 'index', 'wait_ms', 'limit', 'after', 'app', 'namespace', 'zzz'), fc.string({ maxLength: 12 }), { maxKeys: 3 }),
        async (name, body, query) => {
          const route = routes[name];
          const path = route.path.replace(/:[a-z_]+/g, 'default');
          const qs = new URLSearchParams({ ...query, ...(name === 'agentAssignments' ? { wait_ms: '0' } : {}) }).toString();
          const res = await h.request(route.method, `${path}?${qs}`, route.method === 'GET' ? undefined : body ?? {});
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 300 },
    );
    await h.loop.runOnce();
    await assertConsistent();
  });
});
