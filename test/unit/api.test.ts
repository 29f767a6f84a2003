import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, registerBody, taskFile } from '../support/api-harness.js';
import type { OpenApiChecker } from '../support/openapi-checker.js';
import type { AgentCaller, AgentCallRequest } from '../../src/api/agent-local.js';
import { BackupScheduler } from '../../src/core/backups/backup-scheduler.js';
import { OperationRunner } from '../../src/core/operations/operation-runner.js';
import { DomainError } from '../../src/errors/domain-error.js';

let h: Harness;
let checker: OpenApiChecker | undefined;

/** What the volume routes asked of agents; the fake agent answers like a real one would. */
let agentCalls: AgentCallRequest[] = [];
/** The host whose maintenance command fails. */
let failPatchOn = '';
const fakeAgent: AgentCaller = async (request) => {
  agentCalls.push(request);
  if (request.path === '/v1/local/maintenance') return { incarnation: `agent-of-${request.hostName}`, started_at: 0, boot_id: '', commands: ['patch'], checks: [], reboot: ['systemctl', 'reboot'] };
  if (request.path === '/v1/local/maintenance/run') return request.hostName === failPatchOn ? { exit_code: 100, output: 'E: dpkg was interrupted' } : { exit_code: 0, output: `patched ${request.hostName}` };
  if (request.path === '/v1/local/maintenance/check') return { ok: true, checks: [{ name: 'runtime runc', ok: true, output: '' }] };
  if (request.method === 'GET' && request.path.startsWith('/v1/local/volumes?')) return { volumes: [{ id: 'default.pg.data.0', size_mib: 256, used_mib: 12 }] };
  if (request.method === 'GET') return { snapshots: ['before'] };
  if (request.path.endsWith('/backup')) return { archive: '/backups/default.pg.data.0-1.tar.gz', sha256: 'ab'.repeat(32), bytes: 4096 };
  return { ok: true };
};

beforeEach(async () => {
  agentCalls = [];
  failPatchOn = '';
  h = await createHarness(checker, { agentCall: fakeAgent });
  checker = h.openapi;
});
afterEach(async () => {
  await h.close();
});

async function register(name: string, group = 'web', opts: Parameters<typeof registerBody>[2] = {}): Promise<string> {
  const res = await h.request('POST', '/v1/agent/register', registerBody(name, group, opts));
  expect(res.status).toBe(200);
  return res.body.host_id;
}

type Assigned = { id: string; desired: string; release: number };

async function reportAll(hostId: string, state: 'running' | 'failed' | 'stopped' = 'running', health?: (a: Assigned) => 'unknown' | 'healthy' | 'unhealthy') {
  const assigned = await h.request('GET', `/v1/agent/assignments?host_id=${hostId}&wait_ms=0`);
  const instances = assigned.body.instances.map((a: Assigned, n: number) => ({
    id: a.id,
    state: a.desired === 'stop' ? 'stopped' : state,
    address: a.desired === 'stop' ? null : `10.88.1.${10 + n}`,
    ...(health && a.desired === 'run' ? { health: health(a), health_message: health(a) === 'unhealthy' ? 'HTTP 500 from /' : '' } : {}),
  }));
  const res = await h.request('POST', '/v1/agent/status', { host_id: hostId, instances });
  expect(res.status).toBe(200);
  return assigned.body.instances as { id: string; desired: string; release: number }[];
}

describe('authentication', () => {
  it('answers the health endpoint without a token', async () => {
    const res = await h.request('GET', '/v1/health', undefined, null);
    expect(res).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('refuses every other route without a token or with a wrong one', async () => {
    for (const token of [null, 'wrong-token']) {
      const res = await h.request('GET', '/v1/apps', undefined, token);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('unauthorized');
      expect(res.body.message).toMatch(/BUBO_TOKEN/);
    }
  });

  it('serves the OpenAPI document to authenticated callers only', async () => {
    const denied = await h.app.inject({ method: 'GET', url: '/v1/openapi.json' });
    expect(denied.statusCode).toBe(401);
    const doc = await h.app.inject({ method: 'GET', url: '/v1/openapi.json', headers: { authorization: 'Bearer bubo_test_token_0123456789' } });
    expect(doc.json()).toMatchObject({ openapi: '3.1.0', paths: { '/v1/deploy': { post: { operationId: 'deploy' } } } });
  });

  it('answers unknown routes with a 404 error body', async () => {
    const res = await h.request('GET', '/v1/nope');
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('no route GET /v1/nope');
  });
});

describe('deploying', () => {
  it('refuses a task file for a group that has no hosts, suggesting the nearest one', async () => {
    await register('h1', 'web');
    const res = await h.request('POST', '/v1/deploy', { task: taskFile({ group: 'webb' }) });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('group "webb" not found; did you mean "web"?');
  });

  it('reports task file problems with file, line and field', async () => {
    await register('h1');
    const res = await h.request('POST', '/v1/deploy', { task: 'app = "shop"\ngroup = "web"\ncontaners = []\n', filename: 'shop.toml' });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('invalid_task_file');
    expect(res.body.message).toContain('shop.toml:3');
    expect(res.body.message).toContain('did you mean "containers"?');
    const problem = res.body.details.problems.find((p: { message: string }) => p.message.includes('contaners'));
    expect(problem).toMatchObject({ line: 3 });
  });

  it('stores a release and a deployment, then places instances spread over the group', async () => {
    const h1 = await register('h1');
    const h2 = await register('h2');
    await register('db1', 'db');
    const res = await h.request('POST', '/v1/deploy', { task: taskFile({ count: 2 }) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ app: 'shop', namespace: 'default', release: 1, warnings: [] });
    expect(res.body.deployment).toMatchObject({ status: 'running', from_release: null, to_release: 1 });

    await h.loop.runOnce();
    const status = await h.request('GET', '/v1/apps/default/shop');
    expect(status.body.instances.map((i: { host: string }) => i.host).sort()).toEqual(['h1', 'h2']);
    expect(status.body.instances.every((i: { state: string }) => i.state === 'pending')).toBe(true);

    await reportAll(h1);
    await reportAll(h2);
    await h.loop.runOnce();
    const after = await h.request('GET', '/v1/apps');
    expect(after.body.apps).toHaveLength(1);
    expect(after.body.apps[0]).toMatchObject({ name: 'shop', release: 1, desired: 2, running: 2 });
    const deployment = await h.request('GET', `/v1/deployments/${res.body.deployment.id}`);
    expect(deployment.body).toMatchObject({ status: 'succeeded', progress: { desired: 2, running: 2, old_live: 0 } });
  });

  it('refuses to over-provision a group with a shortfall table, and places anyway when forced', async () => {
    await register('h1', 'web', { memory_mib: 1024 });
    const refused = await h.request('POST', '/v1/deploy', { task: taskFile({ count: 3, memory: '512MiB' }) });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('insufficient_capacity');
    expect(refused.body.message).toMatch(/memory/);
    expect(refused.body.message).toMatch(/--force/);
    expect(refused.body.details.shortfall.length).toBeGreaterThan(0);
    const apps = await h.request('GET', '/v1/apps');
    expect(apps.body.apps).toEqual([]);

    const forced = await h.request('POST', '/v1/deploy', { task: taskFile({ count: 3, memory: '512MiB' }), force: true });
    expect(forced.status).toBe(201);
    expect(forced.body.warnings.join(' ')).toMatch(/over-provisioned/);
    await h.loop.runOnce();
    const status = await h.request('GET', '/v1/apps/default/shop');
    expect(status.body.instances).toHaveLength(3);
    const events = await h.request('GET', '/v1/events?app=shop');
    expect(events.body.events.map((e: { kind: string }) => e.kind)).toContain('capacity.overprovisioned');
    const hosts = await h.request('GET', '/v1/hosts');
    expect(hosts.body.hosts[0].overcommit).toBe(1.5);
  });

  it('never places an instance outside the named group', async () => {
    await register('w1', 'web', { cpus: 1 });
    await register('big', 'db', { cpus: 64 });
    const res = await h.request('POST', '/v1/deploy', { task: taskFile({ count: 4, cpus: 1 }), force: true });
    expect(res.status).toBe(201);
    await h.loop.runOnce();
    const status = await h.request('GET', '/v1/apps/default/shop');
    expect(new Set(status.body.instances.map((i: { host: string }) => i.host))).toEqual(new Set(['w1']));
  });

  it('rolls a new release out and stops the old instances', async () => {
    const h1 = await register('h1');
    await h.request('POST', '/v1/deploy', { task: taskFile({ count: 2 }) });
    await h.loop.runOnce();
    await reportAll(h1);
    await h.loop.runOnce();
    const second = await h.request('POST', '/v1/deploy', { task: taskFile({ count: 2 }).replace('1.4.2', '1.5.0') });
    expect(second.body.release).toBe(2);
    expect(second.body.deployment.from_release).toBe(1);
    for (let round = 0; round < 10; round++) {
      await h.loop.runOnce();
      await reportAll(h1);
    }
    await h.loop.runOnce();
    const status = await h.request('GET', '/v1/apps/default/shop');
    const live = status.body.instances.filter((i: { state: string }) => i.state === 'running');
    expect(live.map((i: { release: number }) => i.release)).toEqual([2, 2]);
    const deployment = await h.request('GET', `/v1/deployments/${second.body.deployment.id}`);
    expect(deployment.body.status).toBe('succeeded');
    const releases = await h.request('GET', '/v1/apps/default/shop/releases');
    expect(releases.body.releases.map((r: { version: number; current: boolean }) => [r.version, r.current])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(releases.body.releases[0].images).toEqual(['registry.internal:5000/shop:1.5.0']);
  });
});

describe('health checks, blue-green and rollback', () => {
  const checked = (over: Parameters<typeof taskFile>[0] = {}, deploy = '') =>
    `${taskFile({ count: 2, ...over })}\n[check]\nhttp = { port = "http" }\n\n[deploy]\nhealthy_deadline = "1m"\n${deploy}`;
  const catalogAddresses = async () => {
    const catalog = await h.request('GET', '/v1/agent/catalog?wait_ms=0');
    return catalog.body.services.flatMap((s: { instances: { address: string }[] }) => s.instances.map((i) => i.address)).sort();
  };
  const instancesOf = async () => (await h.request('GET', '/v1/apps/default/shop')).body.instances as { id: string; release: number; state: string; health: string }[];

  it('lists an instance in the catalog only once healthy, and shows its health in status and events', async () => {
    const h1 = await register('h1');
    await h.request('POST', '/v1/deploy', { task: checked() });
    await h.loop.runOnce();
    await reportAll(h1, 'running', () => 'unknown');
    expect(await catalogAddresses()).toEqual([]);
    expect((await instancesOf()).map((i) => i.health)).toEqual(['unknown', 'unknown']);
    await reportAll(h1, 'running', () => 'healthy');
    expect(await catalogAddresses()).toEqual(['10.88.1.10', '10.88.1.11']);
    await reportAll(h1, 'running', () => 'unhealthy');
    expect(await catalogAddresses()).toEqual([]);
    const events = await h.request('GET', '/v1/events?app=default/shop');
    expect(events.body.events.map((e: { kind: string }) => e.kind)).toContain('instance.unhealthy');
    expect(events.body.events.find((e: { kind: string }) => e.kind === 'instance.unhealthy').message).toContain('HTTP 500 from /');
  });

  it('records events a host reports on its own, under the host as actor', async () => {
    const h1 = await register('h1');
    await h.request('POST', '/v1/deploy', { task: checked() });
    const ok = await h.request('POST', '/v1/agent/events', { host_id: h1, kind: 'lb.config_rejected', message: 'nginx: cannot load certificate', app: 'default/shop' });
    expect(ok.status).toBe(200);
    const bad = await h.request('POST', '/v1/agent/events', { host_id: h1, kind: 'Not A Kind', message: 'x' });
    expect(bad.status).toBe(400);
    const events = await h.request('GET', '/v1/events?app=default/shop');
    expect(events.body.events.at(-1)).toMatchObject({ kind: 'lb.config_rejected', actor: 'host:h1', message: 'nginx: cannot load certificate' });
  });

  it('rolling: stops an old instance only once a new one is healthy', async () => {
    const h1 = await register('h1');
    await h.request('POST', '/v1/deploy', { task: checked() });
    await h.loop.runOnce();
    await reportAll(h1, 'running', () => 'healthy');
    await h.request('POST', '/v1/deploy', { task: checked().replace('1.4.2', '1.5.0') });
    for (let round = 0; round < 4; round++) {
      await h.loop.runOnce();
      await reportAll(h1, 'running', (a) => (a.release === 2 ? 'unknown' : 'healthy'));
    }
    const during = await instancesOf();
    expect(during.filter((i) => i.release === 1 && i.state === 'running')).toHaveLength(2);
    for (let round = 0; round < 6; round++) {
      await h.loop.runOnce();
      await reportAll(h1, 'running', () => 'healthy');
    }
    await h.loop.runOnce();
    expect((await instancesOf()).filter((i) => i.state === 'running').map((i) => i.release)).toEqual([2, 2]);
  });

  it('blue-green: serves the old set until the whole new set is healthy, switches at once, stops the old set after the grace', async () => {
    const h1 = await register('h1', 'web', { cpus: 16, memory_mib: 16384 });
    await h.request('POST', '/v1/deploy', { task: checked({}, 'strategy = "blue-green"\nswitch_grace = "10s"\n') });
    await h.loop.runOnce();
    const first = await reportAll(h1, 'running', () => 'healthy');
    const v2 = await h.request('POST', '/v1/deploy', { task: checked({}, 'strategy = "blue-green"\nswitch_grace = "10s"\n').replace('1.4.2', '1.5.0') });
    await h.loop.runOnce();
    let assigned = await reportAll(h1, 'running', (a) => (a.release === 2 && a.id.endsWith('0') ? 'healthy' : a.release === 2 ? 'unknown' : 'healthy'));
    expect(assigned.filter((a) => a.release === 2)).toHaveLength(2); // the whole new set at once
    const old = first.map((a) => a.id);
    const oldAddresses = await catalogAddresses();
    expect(oldAddresses).toHaveLength(2);
    await reportAll(h1, 'running', (a) => (a.release === 2 && a === assigned.find((x) => x.release === 2) ? 'healthy' : a.release === 2 ? 'unknown' : 'healthy'));
    await h.loop.runOnce();
    expect((await h.request('GET', `/v1/deployments/${v2.body.deployment.id}`)).body.switched_at).toBeNull();
    assigned = await reportAll(h1, 'running', () => 'healthy');
    // A catalog follower waiting now is woken by the switch itself, not by its poll timing out.
    const index = (await h.request('GET', '/v1/agent/catalog?wait_ms=0')).body.index;
    const follower = h.request('GET', `/v1/agent/catalog?index=${index}&wait_ms=20000`);
    const waitStarted = Date.now();
    // The follower's poll is registered and waiting before the pass that switches runs.
    for (let n = 0; n < 1_000 && h.ctx.notifier.waiting('catalog') === 0; n++) await new Promise((r) => setImmediate(r));
    expect(h.ctx.notifier.waiting('catalog')).toBeGreaterThan(0);
    await h.loop.runOnce();
    const woken = await follower;
    expect(Date.now() - waitStarted).toBeLessThan(10_000);
    expect(woken.body.services[0].instances.map((i: { id: string }) => i.id).sort()).toEqual(assigned.filter((a) => a.release === 2).map((a) => a.id).sort());
    const switched = await h.request('GET', `/v1/deployments/${v2.body.deployment.id}`);
    expect(switched.body.switched_at).not.toBeNull();
    const catalog = await h.request('GET', '/v1/agent/catalog?wait_ms=0');
    const listed = catalog.body.services[0].instances.map((i: { id: string }) => i.id);
    expect(listed.sort()).toEqual(assigned.filter((a) => a.release === 2).map((a) => a.id).sort());
    // Inside the grace the old set keeps running, out of traffic.
    h.clock.now += 5_000;
    await h.loop.runOnce();
    expect((await instancesOf()).filter((i) => old.includes(i.id) && i.state === 'running')).toHaveLength(2);
    h.clock.now += 6_000;
    await h.request('POST', '/v1/agent/heartbeat', { host_id: h1 });
    await h.loop.runOnce();
    await reportAll(h1, 'running', () => 'healthy');
    await h.loop.runOnce();
    expect((await h.request('GET', `/v1/deployments/${v2.body.deployment.id}`)).body.status).toBe('succeeded');
  });

  it('rolls back by itself when the new release is not healthy by its deadline, and by hand with bubo rollback', async () => {
    const h1 = await register('h1');
    await h.request('POST', '/v1/deploy', { task: checked() });
    await h.loop.runOnce();
    await reportAll(h1, 'running', () => 'healthy');
    const v2 = await h.request('POST', '/v1/deploy', { task: checked().replace('1.4.2', '1.5.0') });
    await h.loop.runOnce();
    await reportAll(h1, 'running', (a) => (a.release === 2 ? 'unhealthy' : 'healthy'));
    expect(await catalogAddresses()).toHaveLength(2); // the old ones, still serving
    h.clock.now += 61_000;
    await h.request('POST', '/v1/agent/heartbeat', { host_id: h1 });
    await h.loop.runOnce();
    const failed = await h.request('GET', `/v1/deployments/${v2.body.deployment.id}`);
    expect(failed.body.status).toBe('failed');
    expect(failed.body.message).toMatch(/did not reach 2 healthy within 60s .*health check: HTTP 500 from \/; rolled back to release 1$/);
    await h.loop.runOnce();
    await reportAll(h1, 'running', () => 'healthy');
    await h.loop.runOnce();
    const status = await h.request('GET', '/v1/apps/default/shop');
    expect(status.body.release).toBe(1);
    expect(status.body.instances.filter((i: { state: string }) => i.state === 'running').map((i: { release: number }) => i.release)).toEqual([1, 1]);

    // By hand: release 1 is the first, so there is nothing older; --to names any other release.
    const nothingOlder = await h.request('POST', '/v1/apps/default/shop/rollback', {});
    expect(nothingOlder.status).toBe(409);
    expect(nothingOlder.body.message).toMatch(/no earlier release/);
    const noSuch = await h.request('POST', '/v1/apps/default/shop/rollback', { to: 9 });
    expect(noSuch.status).toBe(404);
    expect(noSuch.body.message).toMatch(/release "9" not found; releases of default\/shop: 1, 2/);
    const same = await h.request('POST', '/v1/apps/default/shop/rollback', { to: 1 });
    expect(same.status).toBe(409);
    const back = await h.request('POST', '/v1/apps/default/shop/rollback', { to: 2 });
    expect(back.status).toBe(201);
    expect(back.body).toMatchObject({ release: 2, deployment: { from_release: 1, to_release: 2, status: 'running' } });
    expect((await h.request('GET', '/v1/apps/default/shop')).body.release).toBe(2);
  });
});

describe('what a rollback and a later deploy leave serving', () => {
  const checked = (over: Parameters<typeof taskFile>[0] = {}, deploy = '') =>
    `${taskFile({ count: 2, ...over })}\n[check]\nhttp = { port = "http" }\n\n[deploy]\nhealthy_deadline = "1m"\n${deploy}`;
  const blueGreen = 'strategy = "blue-green"\nswitch_grace = "1m"\n';
  const catalogIds = async () => {
    const catalog = await h.request('GET', '/v1/agent/catalog?wait_ms=0');
    return catalog.body.services.flatMap((s: { instances: { id: string }[] }) => s.instances.map((i) => i.id)).sort();
  };
  const status = async () => (await h.request('GET', '/v1/apps/default/shop')).body;
  const live = async () =>
    ((await status()).instances as { id: string; release: number; desired: string; state: string }[]).filter((i) => i.desired === 'run' && i.state === 'running');

  /** Release 1 serving, then a blue-green deploy of release 2 whose set is placed. */
  const blueGreenToRelease2 = async () => {
    const h1 = await register('h1', 'web', { cpus: 16, memory_mib: 16384 });
    await h.request('POST', '/v1/deploy', { task: checked({}, blueGreen) });
    await h.loop.runOnce();
    const v1 = (await reportAll(h1, 'running', () => 'healthy')).map((a) => a.id).sort();
    await h.request('POST', '/v1/deploy', { task: checked({}, blueGreen).replace('1.4.2', '1.5.0') });
    await h.loop.runOnce();
    return { h1, v1 };
  };
  /** The same, with release 2 healthy and switched: release 1 sits out its grace. */
  const switchedBlueGreen = async () => {
    const placed = await blueGreenToRelease2();
    await reportAll(placed.h1, 'running', () => 'healthy');
    await h.loop.runOnce();
    return placed;
  };

  it('an automatic rollback restores the count the old release ran with, under a rollback deployment of its own', async () => {
    const h1 = await register('h1', 'web', { cpus: 16, memory_mib: 16384 });
    await h.request('POST', '/v1/deploy', { task: checked() });
    await h.loop.runOnce();
    await reportAll(h1, 'running', () => 'healthy');
    const v2 = await h.request('POST', '/v1/deploy', { task: checked({ count: 4 }).replace('1.4.2', '1.5.0') });
    for (let round = 0; round < 3; round++) {
      await h.loop.runOnce();
      await reportAll(h1, 'running', (a) => (a.release === 2 ? 'unhealthy' : 'healthy'));
    }
    h.clock.now += 61_000;
    await h.request('POST', '/v1/agent/heartbeat', { host_id: h1 });
    await h.loop.runOnce();
    expect((await h.request('GET', `/v1/deployments/${v2.body.deployment.id}`)).body.status).toBe('failed');
    const back = (await status()).deployment;
    expect(back).toMatchObject({ from_release: 2, to_release: 1, status: 'running' });
    expect(back.id).toMatch(/^rollback-shop/);
    expect((await status()).count).toBe(2);
    for (let round = 0; round < 6; round++) {
      await h.loop.runOnce();
      await reportAll(h1, 'running', () => 'healthy');
    }
    await h.loop.runOnce();
    expect((await live()).map((i) => i.release)).toEqual([1, 1]);
    expect((await h.request('GET', `/v1/deployments/${back.id}`)).body.status).toBe('succeeded');
    const kinds = (await h.request('GET', '/v1/events?app=default/shop')).body.events.map((e: { kind: string; message: string }) => `${e.kind}: ${e.message}`);
    expect(kinds).toContainEqual(expect.stringMatching(/^deployment\.rolled_back: default\/shop rolled back from release 2 to 1 at 2 instance\(s\)$/));
  });

  it('a failed blue-green set leaves traffic at once, healthy members included', async () => {
    const { h1, v1 } = await blueGreenToRelease2();
    // One of the new set passes its check, the other never does.
    const firstNew = (await reportAll(h1, 'running', () => 'healthy')).filter((a) => a.release === 2)[0]!.id;
    await reportAll(h1, 'running', (a) => (a.release === 2 && a.id !== firstNew ? 'unhealthy' : 'healthy'));
    expect(await catalogIds()).toEqual(v1);
    h.clock.now += 61_000;
    await h.request('POST', '/v1/agent/heartbeat', { host_id: h1 });
    await h.loop.runOnce();
    expect(await catalogIds()).toEqual(v1);
    const assigned = await h.request('GET', `/v1/agent/assignments?host_id=${h1}&wait_ms=0`);
    expect(assigned.body.instances.filter((a: Assigned) => a.release === 2).map((a: Assigned) => a.desired)).toEqual(['stop', 'stop']);
  });

  it('a deploy during a blue-green switch grace stops the set switched away from, so it never serves again', async () => {
    const { h1, v1 } = await switchedBlueGreen();
    const v2 = (await live()).filter((i) => i.release === 2).map((i) => i.id).sort();
    expect(await catalogIds()).toEqual(v2);
    expect((await live()).filter((i) => i.release === 1)).toHaveLength(2);

    await h.request('POST', '/v1/deploy', { task: checked({}, blueGreen).replace('1.4.2', '1.6.0') });
    expect(await catalogIds()).toEqual(v2); // before: releases 1 and 2 both listed as "old"
    const assigned = await h.request('GET', `/v1/agent/assignments?host_id=${h1}&wait_ms=0`);
    const desired = (id: string) => assigned.body.instances.find((a: Assigned) => a.id === id)?.desired;
    expect(v1.map(desired)).toEqual(['stop', 'stop']);
    expect(v2.map(desired)).toEqual(['run', 'run']);
    const events = (await h.request('GET', '/v1/events?app=default/shop')).body.events;
    expect(events.at(-1).message).toMatch(/stopping 2 instance\(s\) of default\/shop: release 1 was switched away from/);
  });

  it('a rollback during the switch grace goes back to the set still running there', async () => {
    const { v1 } = await switchedBlueGreen();
    const back = await h.request('POST', '/v1/apps/default/shop/rollback', {});
    expect(back.status).toBe(201);
    await h.loop.runOnce(); // release 1 serves in full already: it switches back in this pass
    expect(await catalogIds()).toEqual(v1);
    expect((await live()).filter((i) => i.release === 1).map((i) => i.id).sort()).toEqual(v1);
  });
});

describe('scaling, stopping and destroying', () => {
  it('scales up and down and stops everything on stop', async () => {
    const h1 = await register('h1', 'web', { cpus: 16, memory_mib: 16384 });
    await h.request('POST', '/v1/deploy', { task: taskFile({ count: 1 }) });
    await h.loop.runOnce();
    await reportAll(h1);

    const up = await h.request('POST', '/v1/apps/default/shop/scale', { count: 3 });
    expect(up.status).toBe(200);
    expect(up.body.desired).toBe(3);
    await h.loop.runOnce();
    await reportAll(h1);
    expect((await h.request('GET', '/v1/apps/default/shop')).body.running).toBe(3);

    await h.request('POST', '/v1/apps/default/shop/scale', { count: 1 });
    await h.loop.runOnce();
    await reportAll(h1);
    await h.loop.runOnce();
    expect((await h.request('GET', '/v1/apps/default/shop')).body.running).toBe(1);

    const stopped = await h.request('POST', '/v1/apps/default/shop/stop');
    expect(stopped.body).toMatchObject({ stopped: true, desired: 0 });
    await h.loop.runOnce();
    await reportAll(h1);
    expect((await h.request('GET', '/v1/apps/default/shop')).body.running).toBe(0);
  });

  it('refuses a scale beyond capacity unless forced', async () => {
    await register('h1', 'web', { cpus: 2 });
    await h.request('POST', '/v1/deploy', { task: taskFile({ count: 1, cpus: 1 }) });
    const refused = await h.request('POST', '/v1/apps/default/shop/scale', { count: 5 });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('insufficient_capacity');
    const forced = await h.request('POST', '/v1/apps/default/shop/scale', { count: 5, force: true });
    expect(forced.status).toBe(200);
  });

  it('destroys an app once its instances are stopped', async () => {
    const h1 = await register('h1');
    await h.request('POST', '/v1/deploy', { task: taskFile({ count: 1 }) });
    await h.loop.runOnce();
    await reportAll(h1);
    const res = await h.request('DELETE', '/v1/apps/default/shop');
    expect(res).toMatchObject({ status: 202, body: { destroying: true } });
    await h.loop.runOnce();
    await reportAll(h1);
    await h.loop.runOnce();
    expect((await h.request('GET', '/v1/apps')).body.apps).toEqual([]);
    expect((await h.request('GET', '/v1/apps/default/shop')).status).toBe(404);
    const kinds = (await h.request('GET', '/v1/events')).body.events.map((e: { kind: string }) => e.kind);
    expect(kinds).toContain('app.destroyed');
  });

  it('answers 404 for apps that do not exist', async () => {
    const res = await h.request('POST', '/v1/apps/default/ghost/scale', { count: 1 });
    expect(res.status).toBe(404);
    expect(res.body.message).toMatch(/app "default\/ghost" not found/);
  });
});

describe('hosts and groups', () => {
  it('shows capacity per host and per group, with cordoned hosts marked', async () => {
    const h1 = await register('h1', 'web', { cpus: 4, memory_mib: 4096 });
    await register('h2', 'web', { cpus: 4, memory_mib: 4096 });
    await h.request('POST', '/v1/deploy', { task: taskFile({ count: 2, cpus: 1, memory: '1GiB' }) });
    await h.loop.runOnce();
    await reportAll(h1);

    const cordon = await h.request('POST', '/v1/hosts/h2/cordon');
    expect(cordon.body).toMatchObject({ name: 'h2', cordoned: true });
    const groups = await h.request('GET', '/v1/groups');
    expect(groups.body.groups).toEqual([
      expect.objectContaining({
        name: 'web',
        hosts: 2,
        cordoned_hosts: 1,
        cpus: { allocated: 2, total: 4 },
        memory_mib: { allocated: 2048, total: 4096 },
      }),
    ]);
    const hosts = await h.request('GET', '/v1/hosts');
    expect(hosts.body.hosts.map((x: { name: string; instances: number }) => [x.name, x.instances])).toEqual([
      ['h1', 1],
      ['h2', 1],
    ]);
    const uncordon = await h.request('POST', '/v1/hosts/h2/uncordon');
    expect(uncordon.body.cordoned).toBe(false);
    expect((await h.request('POST', '/v1/hosts/nope/cordon')).status).toBe(404);
  });

  it('places nothing on a cordoned host', async () => {
    await register('h1');
    await register('h2');
    await h.request('POST', '/v1/hosts/h2/cordon');
    await h.request('POST', '/v1/deploy', { task: taskFile({ count: 2 }) });
    await h.loop.runOnce();
    const status = await h.request('GET', '/v1/apps/default/shop');
    expect(status.body.instances.map((i: { host: string }) => i.host)).toEqual(['h1', 'h1']);
  });

  it('marks a silent host down and replaces its instances on another host', async () => {
    const h1 = await register('h1');
    const h2 = await register('h2');
    // Replaced at once (the default waits a few seconds for the host to come back; tested below).
    await h.request('POST', '/v1/deploy', { task: `${taskFile({ count: 2 })}\n[placement]\nreplace_after = "0s"\n` });
    await h.loop.runOnce();
    await reportAll(h1);
    await reportAll(h2);

    // h2 silent for 25 s, past the TTL; h1 beats on.
    h.clock.now += 15_000;
    await h.request('POST', '/v1/agent/heartbeat', { host_id: h1 });
    h.clock.now += 10_000;
    await h.request('POST', '/v1/agent/heartbeat', { host_id: h1 });
    await h.loop.runOnce();

    const hosts = (await h.request('GET', '/v1/hosts')).body.hosts;
    expect(hosts.map((x: { name: string; status: string }) => [x.name, x.status])).toEqual([
      ['h1', 'ready'],
      ['h2', 'down'],
    ]);
    const status = await h.request('GET', '/v1/apps/default/shop');
    const byState = status.body.instances.map((i: { host: string; state: string }) => `${i.host}:${i.state}`).sort();
    expect(byState).toEqual(['h1:pending', 'h1:running', 'h2:unknown']);
    const kinds = (await h.request('GET', '/v1/events')).body.events.map((e: { kind: string }) => e.kind);
    expect(kinds).toContain('host.down');
  });
});

describe('a host that goes silent and comes back', () => {
  type Row = { id: string; host: string; state: string; desired: string };
  const rows = async (): Promise<string[]> =>
    ((await h.request('GET', '/v1/apps/default/shop')).body.instances as Row[]).map((i) => `${i.host}:${i.state}:${i.desired}:${i.id}`).sort();
  const catalogIds = async () => ((await h.request('GET', '/v1/agent/catalog?wait_ms=0')).body.services[0]?.instances ?? []).map((i: { id: string }) => i.id).sort();

  async function silence(h1: string, task: string) {
    const h2 = await register('h2');
    await h.request('POST', '/v1/deploy', { task });
    await h.loop.runOnce();
    await reportAll(h1);
    const [mine] = await reportAll(h2);
    h.clock.now += 15_000;
    await h.request('POST', '/v1/agent/heartbeat', { host_id: h1 });
    h.clock.now += 10_000;
    await h.request('POST', '/v1/agent/heartbeat', { host_id: h1 });
    await h.loop.runOnce();
    return { h2, silent: mine!.id };
  }

  it('keeps the instances of a host that comes back before replace_after, re-adopting the same ones', async () => {
    const h1 = await register('h1');
    const { h2, silent } = await silence(h1, taskFile({ count: 2 }));
    const before = await rows();
    expect(before.filter((r) => r.startsWith('h2:'))).toEqual([`h2:unknown:run:${silent}`]);
    expect(before).toHaveLength(2);
    expect(await catalogIds()).not.toContain(silent);

    await h.request('POST', '/v1/agent/heartbeat', { host_id: h2 });
    await reportAll(h2);
    await h.loop.runOnce();
    const after = await rows();
    expect(after.filter((r) => r.startsWith('h2:'))).toEqual([`h2:running:run:${silent}`]);
    expect(after).toHaveLength(2);
    expect(await catalogIds()).toContain(silent);
  });

  it('stops a replacement that does not serve yet when the host comes back, and never lists two copies of a slot', async () => {
    const h1 = await register('h1');
    const { h2, silent } = await silence(h1, `${taskFile({ count: 2 })}\n[placement]\nreplace_after = "0s"\n`);
    const replacement = (await rows()).find((r) => r.startsWith('h1:pending'))!.split(':')[3]!;
    await h.request('POST', '/v1/agent/heartbeat', { host_id: h2 });
    await reportAll(h2);
    expect((await rows()).filter((r) => r.includes(replacement) || r.includes(silent))).toEqual([`h1:pending:stop:${replacement}`, `h2:running:run:${silent}`]);
    const events = (await h.request('GET', '/v1/events')).body.events.map((e: { kind: string; message: string }) => `${e.kind} ${e.message}`);
    expect(events).toContain(`instance.readopted instance ${silent} re-adopted on h2; stopping ${replacement}: instance ${silent} came back before its replacement served`);
  });

  it('stops the returning instance when its replacement serves already', async () => {
    const h1 = await register('h1');
    const { h2, silent } = await silence(h1, `${taskFile({ count: 2 })}\n[placement]\nreplace_after = "0s"\n`);
    await reportAll(h1);
    await h.request('POST', '/v1/agent/heartbeat', { host_id: h2 });
    await reportAll(h2);
    const h2rows = (await rows()).filter((r) => r.startsWith('h2:'));
    expect(h2rows.every((r) => r.includes(':stop:') || r.includes(':lost:'))).toBe(true);
    expect(await catalogIds()).not.toContain(silent);
    expect(await catalogIds()).toHaveLength(2);
  });
});

describe('agent protocol', () => {
  it('re-registering under the same name keeps the host id and subnet', async () => {
    const first = await h.request('POST', '/v1/agent/register', registerBody('h1', 'web'));
    const again = await h.request('POST', '/v1/agent/register', registerBody('h1', 'web', { cpus: 8 }));
    expect(again.body.host_id).toBe(first.body.host_id);
    expect(again.body.subnet).toBe(first.body.subnet);
    const second = await h.request('POST', '/v1/agent/register', registerBody('h2', 'web'));
    expect(second.body.subnet).not.toBe(first.body.subnet);
  });

  it('long-polls assignments until they change', async () => {
    const h1 = await register('h1');
    const first = await h.request('GET', `/v1/agent/assignments?host_id=${h1}&wait_ms=0`);
    expect(first.body.instances).toEqual([]);
    const waiting = h.request('GET', `/v1/agent/assignments?host_id=${h1}&index=${first.body.index}&wait_ms=5000`);
    await h.request('POST', '/v1/deploy', { task: taskFile({ count: 1 }) });
    await h.loop.runOnce();
    const answer = await waiting;
    expect(answer.body.index).toBeGreaterThan(first.body.index);
    expect(answer.body.instances).toHaveLength(1);
    expect(answer.body.instances[0]).toMatchObject({ app: 'shop', namespace: 'default', release: 1, desired: 'run', slot: 0 });
    expect(answer.body.instances[0].spec.containers[0].image).toBe('registry.internal:5000/shop:1.4.2');
  });

  it('serves the catalog of running instances with their ports, and wakes long-polls when it changes', async () => {
    const h1 = await register('h1');
    const empty = await h.request('GET', '/v1/agent/catalog?wait_ms=0');
    expect(empty.body.services).toEqual([]);
    await h.request('POST', '/v1/deploy', { task: taskFile({ count: 1 }) });
    await h.loop.runOnce();
    const before = await h.request('GET', '/v1/agent/catalog?wait_ms=0');
    expect(before.body.services).toEqual([{ app: 'shop', namespace: 'default', ports: [{ name: 'http', port: 8080, protocol: 'http', public: null }], instances: [] }]);
    const waiting = h.request('GET', `/v1/agent/catalog?index=${before.body.index}&wait_ms=5000`);
    await reportAll(h1);
    const after = await waiting;
    expect(after.body.index).toBeGreaterThan(before.body.index);
    expect(after.body.services[0].instances).toEqual([{ id: expect.stringMatching(/^shop-/), address: '10.88.1.10', host: 'h1' }]);
  });

  it('lists every host with its address and subnet, and every live instance address by namespace (serving or not), for routes and isolation', async () => {
    const h1 = await register('h1');
    const first = await h.request('GET', '/v1/agent/catalog?wait_ms=0');
    expect(first.body.hosts).toEqual([{ name: 'h1', address: '192.0.2.2', subnet: '10.88.1.0/24' }]);
    expect(first.body.namespaces).toEqual({});
    // A joining host wakes catalog polls: the others must route to its subnet.
    const waiting = h.request('GET', `/v1/agent/catalog?index=${first.body.index}&wait_ms=5000`);
    await register('h22');
    const joined = await waiting;
    expect(joined.body.index).toBeGreaterThan(first.body.index);
    expect(joined.body.hosts).toEqual([
      { name: 'h1', address: '192.0.2.2', subnet: '10.88.1.0/24' },
      { name: 'h22', address: '192.0.2.3', subnet: '10.88.2.0/24' },
    ]);
    // Re-registering with the same address changes nothing; a new address is a change.
    const same = (await h.request('GET', '/v1/agent/catalog?wait_ms=0')).body.index;
    await register('h22');
    expect((await h.request('GET', '/v1/agent/catalog?wait_ms=0')).body.index).toBe(same);
    await h.request('POST', '/v1/agent/register', { ...registerBody('h22', 'web'), address: '192.0.2.99' });
    // Announced within the server's coalescing window (PeersAnnouncer): a long-poll sees it.
    const moved = await h.request('GET', `/v1/agent/catalog?index=${same}&wait_ms=5000`);
    expect(moved.body.index).toBeGreaterThan(same);
    expect(moved.body.hosts[1]).toEqual({ name: 'h22', address: '192.0.2.99', subnet: '10.88.2.0/24' });

    await h.request('POST', '/v1/deploy', { task: taskFile({ count: 2 }) });
    await h.request('POST', '/v1/deploy', { task: `namespace = "other"\n${taskFile({ app: 'blog', count: 1 })}` });
    await h.loop.runOnce();
    const assigned = [h1, (await h.request('GET', '/v1/hosts')).body.hosts.find((x: { name: string }) => x.name === 'h22').id];
    const reports = new Map<string, string>();
    let n = 0;
    for (const hostId of assigned) {
      const { instances } = (await h.request('GET', `/v1/agent/assignments?host_id=${hostId}&wait_ms=0`)).body;
      const body = instances.map((a: { id: string; namespace: string }) => {
        const address = `10.88.${hostId === h1 ? 1 : 2}.${10 + n++}`;
        reports.set(a.id, `${a.namespace} ${address}`);
        // Not healthy yet: out of DNS, but its address must already be allowed to talk.
        return { id: a.id, state: 'running', address, health: 'unknown' };
      });
      await h.request('POST', '/v1/agent/status', { host_id: hostId, instances: body });
    }
    const listed = await h.request('GET', '/v1/agent/catalog?wait_ms=0');
    expect(listed.body.services.flatMap((s: { instances: unknown[] }) => s.instances)).toEqual([]);
    const expected: Record<string, string[]> = {};
    for (const line of [...reports.values()]) {
      const [ns, address] = line.split(' ') as [string, string];
      expected[ns] = [...(expected[ns] ?? []), address].sort();
    }
    expect(Object.keys(expected).sort()).toEqual(['default', 'other']);
    expect(listed.body.namespaces).toEqual(expected);

    // A stopped instance leaves the map (a report from another host about it is ignored).
    const [gone] = [...reports.entries()].find(([, v]) => v.startsWith('other')) ?? [];
    for (const hostId of assigned) await h.request('POST', '/v1/agent/status', { host_id: hostId, instances: [{ id: gone, state: 'stopped', address: null }] });
    expect((await h.request('GET', '/v1/agent/catalog?wait_ms=0')).body.namespaces.other).toBeUndefined();
  });

  it('pins a release to the image digests its first instance reports, so later instances run the same bytes', async () => {
    const h1 = await register('h1', 'web', { cpus: 16, memory_mib: 16384 });
    await h.request('POST', '/v1/deploy', { task: taskFile({ count: 1 }) });
    await h.loop.runOnce();
    const [first] = (await h.request('GET', `/v1/agent/assignments?host_id=${h1}&wait_ms=0`)).body.instances;
    expect(first.spec.containers[0].image).toBe('registry.internal:5000/shop:1.4.2');
    const digest = `sha256:${'e'.repeat(64)}`;
    const report = (d: string) =>
      h.request('POST', '/v1/agent/status', { host_id: h1, instances: [{ id: first.id, state: 'running', address: '10.88.1.9', images: { web: d } }] });
    expect((await report(digest)).status).toBe(200);

    await h.request('POST', '/v1/apps/default/shop/scale', { count: 2 });
    await h.loop.runOnce();
    const assigned = (await h.request('GET', `/v1/agent/assignments?host_id=${h1}&wait_ms=0`)).body.instances;
    expect(assigned.map((a: { spec: { containers: { image: string }[] } }) => a.spec.containers[0]!.image)).toEqual([
      `registry.internal:5000/shop:1.4.2@${digest}`,
      `registry.internal:5000/shop:1.4.2@${digest}`,
    ]);
    await report(`sha256:${'f'.repeat(64)}`); // a later, different report changes nothing
    const releases = await h.request('GET', '/v1/apps/default/shop/releases');
    expect(releases.body.releases[0].images).toEqual([`registry.internal:5000/shop:1.4.2@${digest}`]);
    const kinds = (await h.request('GET', '/v1/events?app=shop')).body.events.map((e: { kind: string }) => e.kind);
    expect(kinds.filter((k: string) => k === 'release.pinned')).toHaveLength(1);
    const bad = await h.request('POST', '/v1/agent/status', { host_id: h1, instances: [{ id: first.id, state: 'running', images: { web: 'latest' } }] });
    expect(bad.status).toBe(400);
  });

  it('tells an agent with an unknown host id to register again', async () => {
    const res = await h.request('POST', '/v1/agent/heartbeat', { host_id: 'host-00000000' });
    expect(res.status).toBe(404);
    expect(res.body.message).toMatch(/register again/);
  });

  it('replaces an instance its agent reports as failed, after the replace delay', async () => {
    const h1 = await register('h1');
    await h.request('POST', '/v1/deploy', { task: taskFile({ count: 1 }) });
    await h.loop.runOnce();
    const [failed] = await reportAll(h1, 'failed');
    await h.loop.runOnce();
    const held = await h.request('GET', '/v1/apps/default/shop');
    expect(held.body.instances.map((i: { state: string }) => i.state)).toEqual(['failed']);
    h.clock.now += 5_001;
    await h.request('POST', '/v1/agent/heartbeat', { host_id: h1 });
    await h.loop.runOnce();
    const status = await h.request('GET', '/v1/apps/default/shop');
    const states = status.body.instances.map((i: { id: string; state: string }) => `${i.id === failed!.id ? 'old' : 'new'}:${i.state}`);
    expect(states.sort()).toEqual(['new:pending', 'old:failed']);
  });
});

describe('bad input', () => {
  it('rejects malformed JSON, unknown fields, wrong types and oversized bodies with 4xx', async () => {
    const malformed = await h.request('POST', '/v1/deploy', '{"task": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('invalid_json');

    const unknown = await h.request('POST', '/v1/deploy', { task: 'x', forse: true });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/forse/);

    const wrongType = await h.request('POST', '/v1/apps/default/shop/scale', { count: -1 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.details.problems[0].path).toBe('body.count');

    const huge = await h.request('POST', '/v1/deploy', { task: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.status).toBe(413);

    const badQuery = await h.request('GET', '/v1/events?limit=0');
    expect(badQuery.status).toBe(400);
  });
});

describe('logs', () => {
  it('refuses the logs of an app that does not exist (streams are tested in app-logs.test.ts)', async () => {
    const res = await h.request('GET', '/v1/apps/default/nope/logs?tail=5');
    expect(res.status).toBe(404);
    expect(res.body.message).toMatch(/app "default\/nope" not found/);
  });
});

describe('joining hosts', () => {
  it('creates, lists and revokes join tokens, and never lists the secret', async () => {
    const created = await h.request('POST', '/v1/join-tokens', { group: 'web', labels: { rack: 'r1' }, roles: ['lb'], ttl_ms: 60_000, uses: 2 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ group: 'web', uses_left: 2, revoked: false, ca_fingerprint: h.ca.fingerprint });
    expect(created.body.token).toMatch(/^bubo_join_/);
    expect(created.body.agent_command).toBe(`bubo agent --server https://127.0.0.1:7443 --join ${created.body.token} --ca-fingerprint ${h.ca.fingerprint}`);
    const listed = await h.request('GET', '/v1/join-tokens');
    expect(listed.body.join_tokens).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    const revoked = await h.request('DELETE', `/v1/join-tokens/${created.body.id}`);
    expect(revoked).toMatchObject({ status: 200, body: { id: created.body.id, revoked: true } });
    expect((await h.request('DELETE', '/v1/join-tokens/jt-nope')).status).toBe(404);
  });

  it('joins with a token once, in the token\'s group, and refuses the used, revoked, unknown or wrong-group token', async () => {
    const { createCsr } = await import('../../src/pki/create-csr.js');
    const { csrPem } = await createCsr('web-1');
    const token = (await h.request('POST', '/v1/join-tokens', { group: 'web', labels: { rack: 'r1' } })).body;
    const wrongGroup = await h.request('POST', '/v1/agent/join', { token: token.token, name: 'web-1', csr: csrPem, group: 'db' }, null);
    expect(wrongGroup).toMatchObject({ status: 401, body: { code: 'join_token_invalid', details: { problem: 'wrong_group' } } });
    const wrongRole = await h.request('POST', '/v1/agent/join', { token: token.token, name: 'web-1', csr: csrPem, roles: ['lb'] }, null);
    expect(wrongRole).toMatchObject({ status: 403, body: { code: 'forbidden', details: { requested: ['lb'] } } });
    const joined = await h.request('POST', '/v1/agent/join', { token: token.token, name: 'web-1', csr: csrPem }, null);
    expect(joined).toMatchObject({ status: 200, body: { host_name: 'web-1', group: 'web', labels: { rack: 'r1' }, ca_certificate: h.ca.certPem } });
    const again = await h.request('POST', '/v1/agent/join', { token: token.token, name: 'web-2', csr: csrPem }, null);
    expect(again).toMatchObject({ status: 401, body: { details: { problem: 'used_up' } } });
    expect(again.body.message).toMatch(/has been used already/);
    const unknown = await h.request('POST', '/v1/agent/join', { token: 'bubo_join_nope', name: 'web-3', csr: csrPem }, null);
    expect(unknown).toMatchObject({ status: 401, body: { details: { problem: 'unknown' } } });
    // The name is taken: a second token cannot join another machine as web-1.
    const second = (await h.request('POST', '/v1/join-tokens', { group: 'web' })).body;
    expect((await h.request('POST', '/v1/agent/join', { token: second.token, name: 'web-1', csr: csrPem }, null)).status).toBe(409);
    // Renewal is for host certificates; the admin token has none.
    const renew = await h.request('POST', '/v1/agent/renew', { csr: csrPem });
    expect(renew).toMatchObject({ status: 403, body: { code: 'forbidden' } });
  });

  it('drains a host: its instance is replaced on another host of the group', async () => {
    const one = await register('web-1');
    await h.request('POST', '/v1/deploy', { task: taskFile({ count: 1 }) });
    await h.loop.runOnce();
    const [first] = await reportAll(one);
    const two = await register('web-2');
    expect((await h.request('POST', '/v1/hosts/web-1/drain')).status).toBe(200);
    await h.loop.runOnce();
    const moved = (await h.request('GET', `/v1/agent/assignments?host_id=${two}&wait_ms=0`)).body.instances;
    expect(moved).toHaveLength(1);
    // Moved first: the old instance serves until its replacement does, then stops.
    expect((await h.request('GET', `/v1/agent/assignments?host_id=${one}&wait_ms=0`)).body.instances).toMatchObject([{ id: first!.id, desired: 'run' }]);
    await reportAll(two);
    await h.loop.runOnce();
    expect((await h.request('GET', `/v1/agent/assignments?host_id=${one}&wait_ms=0`)).body.instances).toMatchObject([{ id: first!.id, desired: 'stop' }]);
    // Uncordoning ends the drain.
    expect((await h.request('POST', '/v1/hosts/web-1/uncordon')).body).toMatchObject({ cordoned: false });
    expect((await h.request('POST', '/v1/hosts/web-1/uncordon')).body.draining).toBeUndefined();
  });

  it('removes a host only with force while it holds instances, and then its instances are lost', async () => {
    const hostId = await register('web-1');
    expect((await h.request('POST', '/v1/deploy', { task: taskFile({ count: 1 }) })).status).toBe(201);
    await h.loop.runOnce();
    expect((await h.request('GET', '/v1/agent/assignments?host_id=' + hostId + '&wait_ms=0')).body.instances).toHaveLength(1);
    const drained = await h.request('POST', '/v1/hosts/web-1/drain');
    expect(drained).toMatchObject({ status: 200, body: { name: 'web-1', cordoned: true, draining: true } });
    const refused = await h.request('DELETE', '/v1/hosts/web-1');
    expect(refused).toMatchObject({ status: 409, body: { details: { host: 'web-1', instances: 1 } } });
    const removed = await h.request('DELETE', '/v1/hosts/web-1?force=true');
    expect(removed).toMatchObject({ status: 200, body: { host: 'web-1', removed: true, instances: 1 } });
    expect((await h.request('GET', '/v1/hosts')).body.hosts).toHaveLength(0);
    expect((await h.request('DELETE', '/v1/hosts/web-1')).status).toBe(404);
  });
});

describe('maintenance operations', () => {
  /** Three hosts with agent listeners; shop (count 2) runs on two of them. */
  async function cluster(): Promise<string[]> {
    const ids: string[] = [];
    for (const name of ['web-1', 'web-2', 'web-3']) {
      const res = await h.request('POST', '/v1/agent/register', { ...registerBody(name, 'web'), agent_url: `http://192.0.2.${ids.length + 1}:7071` });
      ids.push(res.body.host_id);
    }
    expect((await h.request('POST', '/v1/deploy', { task: taskFile({ count: 2 }) })).status).toBe(201);
    await settle(ids);
    return ids;
  }

  async function settle(ids: string[]) {
    for (let round = 0; round < 3; round++) {
      await h.loop.runOnce();
      for (const id of ids) await reportAll(id);
    }
  }

  async function serving(): Promise<number> {
    return (await h.store.listInstances({ live: true })).filter((i) => i.desired === 'run' && i.state === 'running').length;
  }

  /** Drives the runner and the cluster (agents that act at once) until the operation stops; samples availability at every turn. */
  async function drive(ids: string[], id: string) {
    const runner = new OperationRunner(h.ctx, fakeAgent, { intervalMs: 1_000, onError: (error) => { throw error; } });
    const sampled: number[] = [];
    for (let turn = 0; turn < 80; turn++) {
      await runner.tick();
      await h.loop.runOnce();
      for (const host of ids) await reportAll(host);
      sampled.push(await serving());
      const op = (await h.request('GET', `/v1/operations/${id}`)).body;
      if (op.status !== 'running') return { op, sampled };
    }
    throw new Error('the operation did not stop within 80 turns');
  }

  it('plans batches without starting anything, and refuses bad input naming the field', async () => {
    await cluster();
    const plan = await h.request('POST', '/v1/operations/plan', { kind: 'maintain', group: 'web', batch: '1' });
    expect(plan).toMatchObject({ status: 200, body: { ok: true, group: 'web' } });
    expect(plan.body.batches.map((b: { hosts: string[] }) => b.hosts)).toEqual([['web-1'], ['web-2'], ['web-3']]);
    expect((await h.request('GET', '/v1/operations')).body.operations).toEqual([]);
    expect(await h.request('POST', '/v1/operations/plan', { kind: 'maintain', group: 'web', batch: '0' })).toMatchObject({ status: 400, body: { message: expect.stringMatching(/batch "0"/) } });
    expect(await h.request('POST', '/v1/operations/plan', { kind: 'maintain', group: 'web', hosts: ['nope'] })).toMatchObject({ status: 400, body: { message: expect.stringMatching(/host "nope" is not registered/) } });
    expect((await h.request('POST', '/v1/operations/plan', { kind: 'maintain', group: 'db' })).status).toBe(404);
  });

  it('maintains a group host by host: each patched once, the app never below its count, every host uncordoned', async () => {
    const ids = await cluster();
    const started = await h.request('POST', '/v1/operations', { kind: 'maintain', group: 'web', batch: '1', run: 'patch' });
    expect(started).toMatchObject({ status: 201, body: { status: 'running', batch: 1, step: 'drain' } });
    // One operation at a time.
    expect((await h.request('POST', '/v1/operations', { kind: 'maintain', group: 'web' })).status).toBe(409);
    const { op, sampled } = await drive(ids, started.body.id);
    expect(op).toMatchObject({ status: 'done', failure: null });
    // Instances are moved before they stop: shop serves with both instances at every sample.
    expect(Math.min(...sampled)).toBe(2);
    const patched = agentCalls.filter((c) => c.path === '/v1/local/maintenance/run').map((c) => c.hostName);
    expect(patched.sort()).toEqual(['web-1', 'web-2', 'web-3']);
    expect((await h.request('GET', '/v1/hosts')).body.hosts.map((x: { cordoned: boolean }) => x.cordoned)).toEqual([false, false, false]);
    expect(op.log.map((l: { step: string }) => l.step)).toEqual(expect.arrayContaining(['drain', 'run', 'check', 'uncordon', 'settle']));
    expect((await h.request('GET', '/v1/events?limit=500')).body.events.map((e: { kind: string }) => e.kind)).toContain('operation.done');
  });

  it('goes on after a server restart where it stopped, running no host\'s patch twice', async () => {
    const ids = await cluster();
    const started = await h.request('POST', '/v1/operations', { kind: 'maintain', group: 'web', batch: '1', run: 'patch' });
    // The first server's runner gets through part of the operation, then the server is gone.
    const before = new OperationRunner(h.ctx, fakeAgent, { intervalMs: 1_000, onError: (error) => { throw error; } });
    const show = async () => (await h.request('GET', `/v1/operations/${started.body.id}`)).body;
    for (let turn = 0; turn < 40 && (await show()).batch < 2; turn++) {
      await before.tick();
      await h.loop.runOnce();
      for (const host of ids) await reportAll(host);
    }
    const midway = await show();
    expect(midway.status).toBe('running');
    expect(midway.batch).toBeGreaterThan(1);
    // A new runner (the restarted server's) reads the operation from the store and finishes it.
    const { op } = await drive(ids, started.body.id);
    expect(op.status).toBe('done');
    const patched = agentCalls.filter((c) => c.path === '/v1/local/maintenance/run').map((c) => c.hostName);
    expect(patched.sort()).toEqual(['web-1', 'web-2', 'web-3']);
  });

  it('pauses on a failed patch with its output; skip goes on without that host; abort gives hosts back', async () => {
    const ids = await cluster();
    failPatchOn = 'web-1';
    const started = await h.request('POST', '/v1/operations', { kind: 'maintain', group: 'web', batch: '1', run: 'patch' });
    const first = await drive(ids, started.body.id);
    expect(first.op).toMatchObject({ status: 'paused', failure: { step: 'run', hosts: ['web-1'], output: expect.stringContaining('E: dpkg was interrupted') } });
    expect((await h.request('POST', `/v1/operations/${started.body.id}/resume`)).status).toBe(409);
    expect((await h.request('POST', `/v1/operations/${started.body.id}/skip`)).body).toMatchObject({ status: 'running', failure: null });
    // It goes on; a pause takes effect at the next step boundary; an abort gives the batch's host back.
    await h.request('POST', `/v1/operations/${started.body.id}/pause`);
    const second = await drive(ids, started.body.id);
    expect(second.op.status).toBe('paused');
    const aborted = await h.request('POST', `/v1/operations/${started.body.id}/abort`);
    expect(aborted.body).toMatchObject({ status: 'aborted', message: expect.stringMatching(/aborted: /) });
    expect((await h.request('GET', '/v1/hosts')).body.hosts.every((x: { cordoned: boolean }) => !x.cordoned)).toBe(true);
    expect(second.op.hosts.find((x: { name: string }) => x.name === 'web-1').state).toBe('skipped');
    expect((await h.request('POST', `/v1/operations/${started.body.id}/retry`)).status).toBe(409);
  });
});

afterAll(() => {
  // Every route of the table has been exercised against the OpenAPI document above.
  expect(checker?.uncovered()).toEqual([]);
});


describe('secrets and restart (in detail: api-secrets.test.ts)', () => {
  it('sets, lists, rotates, restarts with and removes a secret through documented answers', async () => {
    await register('h1');
    expect((await h.request('PUT', '/v1/secrets/default/TOKEN', { value: 'v1' })).body.version).toBe(1);
    const task = taskFile({ count: 1 }).replace('[[ports]]', 'secrets = ["TOKEN"]\n\n[[ports]]');
    expect((await h.request('POST', '/v1/deploy', { task })).status).toBe(201);
    expect((await h.request('GET', '/v1/secrets')).body.secrets[0].used_by).toEqual([{ app: 'shop', version: 1 }]);
    expect((await h.request('POST', '/v1/server/rotate-key')).body.resealed).toBe(1);
    expect((await h.request('POST', '/v1/apps/default/shop/restart')).body.release).toBe(2);
    expect((await h.request('DELETE', '/v1/secrets/default/TOKEN')).status).toBe(409);
  });
});

describe('audit log', () => {
  it('records every call that asks to change something, refused ones included, with caller and outcome, never a body', async () => {
    const hostId = await register('h1');
    await h.request('POST', '/v1/agent/heartbeat', { host_id: hostId });
    await h.request('POST', '/v1/deploy', { task: taskFile() }, 'not-the-token');
    await h.request('PUT', '/v1/secrets/default/TOKEN', { value: 'audit-marker-value' });
    const task = taskFile({ count: 1 }).replace('[[ports]]', 'secrets = ["NOPE"]\n\n[[ports]]');
    await h.request('POST', '/v1/deploy', { task });
    h.clock.now += 60_000;
    await h.request('POST', '/v1/hosts/nohost/cordon');
    await h.request('GET', '/v1/apps');
    await h.request('POST', '/v1/no/such/route');

    const all = await h.request('GET', '/v1/audit');
    expect(all.status).toBe(200);
    const rows = all.body.records.map((r: { actor: string; role: string; method: string; target: string; status: number; code: string | null }) => [r.actor, r.role, `${r.method} ${r.target}`, r.status, r.code]);
    expect(rows).toEqual([
      ['admin', 'admin', 'POST /v1/agent/register', 200, null],
      ['anonymous', 'none', 'POST /v1/deploy', 401, 'unauthorized'],
      ['admin', 'admin', 'PUT /v1/secrets/default/TOKEN', 200, null],
      ['admin', 'admin', 'POST /v1/deploy', 409, 'secrets_missing'],
      ['admin', 'admin', 'POST /v1/hosts/nohost/cordon', 404, 'not_found'],
      ['admin', 'admin', 'POST /v1/no/such/route', 404, 'not_found'],
    ]);
    expect(all.body.records[0].route).toBe('/v1/agent/register');
    expect(all.body.records[5].route).toBeNull();
    expect(JSON.stringify(all.body)).not.toContain('audit-marker-value');
    expect(JSON.stringify(await h.store.listAudit())).not.toContain('audit-marker-value');

    const since = await h.request('GET', `/v1/audit?since=${h.clock.now}`);
    expect(since.body.records.map((r: { target: string }) => r.target)).toEqual(['/v1/hosts/nohost/cordon', '/v1/no/such/route']);
    const anonymous = await h.request('GET', '/v1/audit?actor=anonymous&limit=5');
    expect(anonymous.body.records).toHaveLength(1);
    // Nothing in the API changes or removes a record.
    const { routes } = await import('../../src/api/routes.js');
    expect(Object.values(routes).filter((r) => r.path.startsWith('/v1/audit') && r.method !== 'GET')).toEqual([]);
  });
});

describe('user tokens (in detail: api-users.test.ts)', () => {
  it('creates, lists and revokes a token through documented answers', async () => {
    const created = await h.request('POST', '/v1/tokens', { name: 'alice', role: 'deployer', namespaces: ['shop'], ttl_ms: 3_600_000 });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^bubo_tok_/);
    expect((await h.request('GET', '/v1/tokens')).body.tokens).toHaveLength(1);
    expect((await h.request('DELETE', `/v1/tokens/${created.body.id}`)).body.revoked).toBe(true);
  });
});

describe('volumes', () => {
  const pgTask = `app = "pg"
group = "web"
count = 1
runtime = "container"

[resources]
cpus = 1
memory = "512MiB"
disk = "1GiB"

[[containers]]
name = "pg"
image = "registry.internal:5000/pg:15"

[[volumes]]
name = "data"
size = "256MiB"
path = "/var/lib/postgresql/data"
`;

  it('records the volume where its slot was placed, hands it to that host, and operates on it only while no instance uses it', async () => {
    const res = await h.request('POST', '/v1/agent/register', { ...registerBody('h1', 'web'), agent_url: 'http://192.0.2.2:7071' });
    const hostId = res.body.host_id;
    expect((await h.request('POST', '/v1/deploy', { task: pgTask })).status).toBe(201);
    await h.loop.runOnce();

    const assigned = await h.request('GET', `/v1/agent/assignments?host_id=${hostId}&wait_ms=0`);
    expect(assigned.body.instances[0].volumes).toEqual([{ id: 'default.pg.data.0', name: 'data', path: '/var/lib/postgresql/data', size_mib: 256 }]);
    await reportAll(hostId);

    const list = await h.request('GET', '/v1/volumes?namespace=default&app=pg');
    expect(list.status).toBe(200);
    expect(list.body.volumes).toEqual([
      expect.objectContaining({ id: 'default.pg.data.0', app: 'pg', name: 'data', slot: 0, host: 'h1', size_mib: 256, used_mib: 12, instance: { id: assigned.body.instances[0].id, state: 'running' } }),
    ]);
    expect(agentCalls[0]).toMatchObject({ agentUrl: 'http://192.0.2.2:7071', hostName: 'h1', method: 'GET', path: '/v1/local/volumes?ids=default.pg.data.0' });

    // While an instance runs on it: snapshots and backups are fine, restore and removal are refused.
    expect(await h.request('POST', '/v1/volumes/default/pg/data/0/snapshots', { name: 'before' })).toMatchObject({ status: 201, body: { volume: 'default.pg.data.0', name: 'before' } });
    expect((await h.request('GET', '/v1/volumes/default/pg/data/0/snapshots')).body.snapshots).toEqual(['before']);
    const backup = await h.request('POST', '/v1/volumes/default/pg/data/0/backup', { to: '/backups' });
    expect(backup).toMatchObject({ status: 201, body: { host: 'h1', archive: '/backups/default.pg.data.0-1.tar.gz', bytes: 4096 } });
    const refused = await h.request('POST', '/v1/volumes/default/pg/data/0/restore', { snapshot: 'before' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain(`while instance ${assigned.body.instances[0].id} (running) uses it`);
    expect((await h.request('DELETE', '/v1/volumes/default/pg/data/0')).status).toBe(409);
    expect((await h.request('POST', '/v1/volumes/default/pg/data/0/backup', { to: 'relative/dir' })).status).toBe(400);
    expect((await h.request('POST', '/v1/volumes/default/pg/data/0/restore', { snapshot: 'a', archive: '/b' })).status).toBe(400);

    // Stopped: restore and removal reach the agent; the record goes last.
    await h.request('POST', '/v1/apps/default/pg/stop');
    await h.loop.runOnce();
    await reportAll(hostId);
    expect(await h.request('POST', '/v1/volumes/default/pg/data/0/restore', { snapshot: 'before' })).toMatchObject({ status: 200, body: { from: 'snapshot before' } });
    expect(await h.request('DELETE', '/v1/volumes/default/pg/data/0')).toMatchObject({ status: 200, body: { id: 'default.pg.data.0', host: 'h1' } });
    expect(agentCalls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /v1/local/volumes?ids=default.pg.data.0',
      'POST /v1/local/volumes/default.pg.data.0/snapshots',
      'GET /v1/local/volumes/default.pg.data.0/snapshots',
      'POST /v1/local/volumes/default.pg.data.0/backup',
      'POST /v1/local/volumes/default.pg.data.0/restore',
      'DELETE /v1/local/volumes/default.pg.data.0',
    ]);
    expect((await h.request('GET', '/v1/volumes')).body.volumes).toEqual([]);
    expect((await h.request('DELETE', '/v1/volumes/default/pg/data/0')).status).toBe(404);
  });

  it('runs the scheduled [[backups]]: at once, then on schedule; a failure is recorded with its reason and retried; retention marks what the host deleted', async () => {
    const res = await h.request('POST', '/v1/agent/register', { ...registerBody('h1', 'web'), agent_url: 'http://192.0.2.2:7071' });
    const task = `${pgTask}\n[[backups]]\nvolume = "data"\nevery = "1h"\nkeep = 2\nto = "/srv/backups"\n`;
    expect((await h.request('POST', '/v1/deploy', { task })).status).toBe(201);
    await h.loop.runOnce();
    await reportAll(res.body.host_id);

    let failing = false;
    const archives: string[] = [];
    const agent: AgentCaller = async (request) => {
      agentCalls.push(request);
      if (request.path.endsWith('/backup')) {
        if (failing) throw new DomainError('volume_failed', 'tar: /srv/backups: No space left on device');
        archives.push(`/srv/backups/default.pg.data.0-${archives.length}.tar.gz`);
        return { archive: archives.at(-1), sha256: 'cd'.repeat(32), bytes: 4096 };
      }
      if (request.path.endsWith('/prune')) return { removed: archives.slice(0, Math.max(0, archives.length - 2)) };
      return fakeAgent(request);
    };
    const errors: unknown[] = [];
    const scheduler = new BackupScheduler(h.ctx, agent, { intervalMs: 60_000, onError: (e) => errors.push(e) });
    const tick = async () => {
      await scheduler.tick();
      await scheduler.settle();
    };
    const runs = async () => (await h.request('GET', '/v1/apps/default/pg/backups')).body;

    await tick();
    expect(await runs()).toMatchObject({ schedule: [{ volume: 'data', every_ms: 3_600_000, keep: 2, to: '/srv/backups' }], runs: [{ volume: 'default.pg.data.0', slot: 0, status: 'ok', archive: archives[0], pruned: false }] });
    expect(agentCalls.slice(-2).map((c) => `${c.method} ${c.path} ${JSON.stringify(c.body)}`)).toEqual([
      'POST /v1/local/volumes/default.pg.data.0/backup {"to":"/srv/backups"}',
      'POST /v1/local/volumes/default.pg.data.0/prune {"to":"/srv/backups","keep":2}',
    ]);
    h.clock.now += 59 * 60_000;
    await tick();
    expect((await runs()).runs).toHaveLength(1);

    h.clock.now += 60_000;
    failing = true;
    await tick();
    const failed = (await runs()).runs[0];
    expect(failed).toMatchObject({ status: 'failed', archive: null, error: 'tar: /srv/backups: No space left on device' });
    const events = (await h.request('GET', '/v1/events?app=default/pg')).body.events.map((e: { message: string }) => e.message);
    expect(events).toContain('volume default.pg.data.0: scheduled backup to /srv/backups failed: tar: /srv/backups: No space left on device');
    // Retried after 5 minutes, not an hour.
    failing = false;
    h.clock.now += 5 * 60_000;
    await tick();
    h.clock.now += 60 * 60_000;
    await tick();
    const after = (await runs()).runs;
    expect(after.map((r: { status: string; pruned: boolean }) => `${r.status}${r.pruned ? ' pruned' : ''}`)).toEqual(['ok', 'ok', 'failed', 'ok pruned']);
    expect(errors).toEqual([]);
  });

  it('runs a backup\'s before command in the slot\'s running instance first, and fails the run with its output when it exits non-zero', async () => {
    const res = await h.request('POST', '/v1/agent/register', { ...registerBody('h1', 'web'), agent_url: 'http://192.0.2.2:7071' });
    const task = `${pgTask}\n[[backups]]\nvolume = "data"\nevery = "1h"\nto = "/srv/backups"\nbefore = ["sh", "-c", "pg_dumpall -U postgres > /var/lib/postgresql/data/dumpall.sql"]\n`;
    expect((await h.request('POST', '/v1/deploy', { task })).status).toBe(201);
    await h.loop.runOnce();
    const instance = (await h.request('GET', '/v1/apps/default/pg')).body.instances[0].id;
    let exitCode = 0;
    // fakeAgent records what it answers; these two it does not know.
    const agent: AgentCaller = async (request) => {
      if (request.path.endsWith('/exec')) {
        agentCalls.push(request);
        return { exit_code: exitCode, output: exitCode === 0 ? '' : 'pg_dumpall: error: connection to server failed\n' };
      }
      if (request.path.endsWith('/prune')) {
        agentCalls.push(request);
        return { removed: [] };
      }
      return fakeAgent(request);
    };
    const scheduler = new BackupScheduler(h.ctx, agent, { intervalMs: 60_000, onError: (e) => { throw e; } });
    // Not running yet: the run waits for it (an archive without its dump is not what was asked).
    await scheduler.tick();
    await scheduler.settle();
    expect(agentCalls).toEqual([]);
    expect((await h.request('GET', '/v1/apps/default/pg/backups')).body.runs).toEqual([]);
    await reportAll(res.body.host_id);
    await scheduler.tick();
    await scheduler.settle();
    expect(agentCalls.map((c) => `${c.method} ${c.path}`)).toEqual([
      `POST /v1/local/instances/${instance}/exec`,
      'POST /v1/local/volumes/default.pg.data.0/backup',
      'POST /v1/local/volumes/default.pg.data.0/prune',
    ]);
    expect(agentCalls[0]?.body).toEqual({ argv: ['sh', '-c', 'pg_dumpall -U postgres > /var/lib/postgresql/data/dumpall.sql'], timeout_ms: 1_800_000 });

    exitCode = 1;
    h.clock.now += 3_600_000;
    agentCalls = [];
    await scheduler.tick();
    await scheduler.settle();
    expect(agentCalls.map((c) => c.path)).toEqual([`/v1/local/instances/${instance}/exec`]);
    expect((await h.request('GET', '/v1/apps/default/pg/backups')).body.runs[0]).toMatchObject({
      status: 'failed',
      error: `the before command "sh -c pg_dumpall -U postgres > /var/lib/postgresql/data/dumpall.sql" exited 1 in instance ${instance}: pg_dumpall: error: connection to server failed; no backup taken`,
    });
  });

  it('deploys a new release of an app with volumes on a host that has room for one instance only (in place: no surge)', async () => {
    const res = await h.request('POST', '/v1/agent/register', { ...registerBody('h1', 'web', { cpus: 1 }), agent_url: 'http://192.0.2.2:7071' });
    expect((await h.request('POST', '/v1/deploy', { task: pgTask })).status).toBe(201);
    await h.loop.runOnce();
    await reportAll(res.body.host_id);
    const next = await h.request('POST', '/v1/deploy', { task: pgTask.replace('image = "registry.internal:5000/pg:15"', 'image = "registry.internal:5000/pg:15.1"') });
    expect(next.status, JSON.stringify(next.body)).toBe(201);
  });

  it('refuses a volume larger than any host\'s free disk at deploy, with the disk shortfall, and records nothing', async () => {
    await h.request('POST', '/v1/agent/register', { ...registerBody('h1', 'web', { disk_mib: 8192 }), agent_url: 'http://192.0.2.2:7071' });
    const refused = await h.request('POST', '/v1/deploy', { task: pgTask.replace('size = "256MiB"', 'size = "10GiB"') });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('insufficient_capacity');
    expect(refused.body.message).toMatch(/disk/);
    // 1 GiB of disk for the instance plus the 10 GiB volume, on a host with 8 GiB.
    expect(refused.body.details.shortfall.find((r: { resource: string }) => r.resource === 'disk')).toEqual({ resource: 'disk', requested: 11264, free: 8192, missing: 3072 });
    expect((await h.request('GET', '/v1/apps')).body.apps).toEqual([]);
    expect((await h.request('GET', '/v1/volumes')).body.volumes).toEqual([]);
  });

  it('says which host is away when the volume\'s host is down', async () => {
    const res = await h.request('POST', '/v1/agent/register', { ...registerBody('h1', 'web'), agent_url: 'http://192.0.2.2:7071' });
    await h.store.insertVolumes([{ id: 'default.pg.data.0', appId: 'default/pg', name: 'data', slot: 0, hostId: res.body.host_id, sizeMib: 256, createdAt: 0 }]);
    await h.store.updateHost(res.body.host_id, { status: 'down' });
    const answer = await h.request('POST', '/v1/volumes/default/pg/data/0/snapshots', {});
    expect(answer.status).toBe(503);
    expect(answer.body.message).toBe('host h1, which holds volume default.pg.data.0, is down; try again once it is back');
    // The listing still answers, with the use unknown.
    expect((await h.request('GET', '/v1/volumes')).body.volumes[0]).toMatchObject({ host: 'h1', used_mib: null });
  });
});
