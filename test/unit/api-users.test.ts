import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, registerBody, taskFile } from '../support/api-harness.js';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
  expect((await h.request('POST', '/v1/agent/register', registerBody('h1', 'web'))).status).toBe(200);
});
afterEach(async () => {
  await h.close();
});

async function token(name: string, role: string, namespaces: string[] = [], ttl_ms?: number): Promise<{ id: string; token: string }> {
  const res = await h.request('POST', '/v1/tokens', { name, role, namespaces, ...(ttl_ms ? { ttl_ms } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const inNamespace = (ns: string, app = 'shop') => `namespace = "${ns}"\n${taskFile({ app, count: 1 })}`;

describe('user tokens and roles', () => {
  it('a deployer of shop deploys, scales and sets secrets there, and is refused in billing with the role it needs', async () => {
    const alice = await token('alice', 'deployer', ['shop']);
    expect((await h.request('POST', '/v1/deploy', { task: inNamespace('shop') }, alice.token)).status).toBe(201);
    expect((await h.request('POST', '/v1/apps/shop/shop/scale', { count: 2 }, alice.token)).status).toBe(200);
    expect((await h.request('PUT', '/v1/secrets/shop/KEY', { value: 'x' }, alice.token)).status).toBe(200);
    const refused = await h.request('POST', '/v1/deploy', { task: inNamespace('billing') }, alice.token);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'forbidden', message: 'token alice (deployer of shop) may not make this call: it needs role deployer of namespace billing, or admin' });
    expect((await h.request('PUT', '/v1/secrets/billing/KEY', { value: 'x' }, alice.token)).status).toBe(403);
    expect((await h.request('POST', '/v1/hosts/h1/cordon', undefined, alice.token)).status).toBe(403);
    expect((await h.request('POST', '/v1/tokens', { name: 'mallory', role: 'admin' }, alice.token)).status).toBe(403);
    expect((await h.request('POST', '/v1/agent/heartbeat', { host_id: 'x' }, alice.token)).status).toBe(403);
    expect((await h.request('GET', '/v1/apps', undefined, alice.token)).body.apps.map((a: { namespace: string }) => a.namespace)).toEqual(['shop']);
  });

  it('a viewer reads what its namespaces hold and cannot change anything or read logs', async () => {
    await h.request('POST', '/v1/deploy', { task: inNamespace('shop') });
    await h.request('POST', '/v1/deploy', { task: inNamespace('billing', 'ledger') });
    const viewer = await token('dashboard', 'viewer', ['shop']);
    const apps = await h.request('GET', '/v1/apps', undefined, viewer.token);
    expect(apps.body.apps.map((a: { namespace: string; name: string }) => `${a.namespace}/${a.name}`)).toEqual(['shop/shop']);
    expect((await h.request('GET', '/v1/apps/shop/shop', undefined, viewer.token)).status).toBe(200);
    expect((await h.request('GET', '/v1/apps/billing/ledger', undefined, viewer.token)).status).toBe(403);
    expect((await h.request('GET', '/v1/hosts', undefined, viewer.token)).status).toBe(200);
    const events = await h.request('GET', '/v1/events', undefined, viewer.token);
    expect(events.body.events.some((e: { app: string | null }) => e.app === 'billing/ledger')).toBe(false);
    expect(events.body.events.some((e: { app: string | null }) => e.app === 'shop/shop')).toBe(true);
    const deploy = await h.request('POST', '/v1/deploy', { task: inNamespace('shop') }, viewer.token);
    expect(deploy.status).toBe(403);
    expect(deploy.body.message).toContain('it needs role deployer of namespace shop, or admin');
    expect((await h.request('GET', '/v1/apps/shop/shop/logs', undefined, viewer.token)).status).toBe(403);
    const granted = await h.request('POST', '/v1/tokens', { name: 'oncall', role: 'viewer', namespaces: ['shop'], grants: ['logs'] });
    // A log stream is NDJSON, not one document: asked without the OpenAPI check.
    const logs = async (url: string, token: string) => (await h.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })).statusCode;
    expect(await logs('/v1/apps/shop/shop/logs', granted.body.token)).toBe(200);
    expect(await logs('/v1/apps/billing/ledger/logs', granted.body.token)).toBe(403);
  });

  it('an operator runs hosts and reads everything, but deploys nothing; an admin token manages tokens', async () => {
    const op = await token('ops', 'operator');
    expect((await h.request('POST', '/v1/hosts/h1/cordon', undefined, op.token)).status).toBe(200);
    expect((await h.request('GET', '/v1/audit', undefined, op.token)).status).toBe(200);
    expect((await h.request('POST', '/v1/deploy', { task: inNamespace('shop') }, op.token)).status).toBe(403);
    expect((await h.request('POST', '/v1/server/rotate-key', undefined, op.token)).status).toBe(403);
    expect((await h.request('POST', '/v1/hosts/h1/uncordon', undefined, op.token)).status).toBe(200);
    const root = await token('root', 'admin');
    expect((await h.request('POST', '/v1/tokens', { name: 'bob', role: 'viewer' }, root.token)).status).toBe(201);
    expect((await h.request('POST', '/v1/deploy', { task: inNamespace('billing') }, root.token)).status).toBe(201);
  });

  it('refuses a revoked token at once and an expired one, with 401', async () => {
    const ci = await token('ci', 'deployer', ['shop'], 60_000);
    expect((await h.request('GET', '/v1/apps', undefined, ci.token)).status).toBe(200);
    h.clock.now += 61_000;
    expect((await h.request('GET', '/v1/apps', undefined, ci.token)).status).toBe(401);
    const bob = await token('bob', 'viewer');
    expect((await h.request('DELETE', `/v1/tokens/${bob.id}`)).body).toMatchObject({ id: bob.id, revoked: true });
    expect((await h.request('GET', '/v1/apps', undefined, bob.token)).status).toBe(401);
    expect((await h.request('DELETE', '/v1/tokens/tok-nope')).status).toBe(404);
  });

  it('stores only a hash, lists tokens without secrets, and records the caller by token name in the audit log', async () => {
    const alice = await token('alice', 'deployer', ['shop']);
    const listed = await h.request('GET', '/v1/tokens');
    expect(listed.body.tokens).toEqual([expect.objectContaining({ id: alice.id, name: 'alice', role: 'deployer', namespaces: ['shop'], expires_at: null, revoked: false, created_by: 'admin' })]);
    expect(JSON.stringify(listed.body)).not.toContain(alice.token);
    expect(JSON.stringify(await h.store.listApiTokens())).not.toContain(alice.token);
    await h.request('POST', '/v1/deploy', { task: inNamespace('billing') }, alice.token);
    const audit = await h.request('GET', '/v1/audit?actor=alice');
    expect(audit.body.records.map((r: { role: string; target: string; status: number; code: string }) => [r.role, r.target, r.status, r.code])).toEqual([['deployer', '/v1/deploy', 403, 'forbidden']]);
  });

  it.each([
    [{ name: 'x', role: 'deployer' }, 'body.namespaces: a deployer needs at least one namespace'],
    [{ name: 'x', role: 'operator', namespaces: ['shop'] }, 'body.namespaces: an operator acts on every namespace'],
    [{ name: 'x', role: 'root' }, 'body.role'],
    [{ name: 'bad name', role: 'viewer' }, 'body.name'],
    [{ name: 'x', role: 'deployer', namespaces: ['shop'], grants: ['logs'] }, 'body.grants: grants are for viewers'],
  ])('refuses a token request %j naming the field', async (body, message) => {
    const res = await h.request('POST', '/v1/tokens', body);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(message);
  });
});
