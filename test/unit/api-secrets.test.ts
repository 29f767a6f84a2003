import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, registerBody, taskFile } from '../support/api-harness.js';

// One marker per test run: no answer but the host's own assignments may ever contain it.
const MARKER = `marker-${process.pid}-s3cr3t`;

let h: Harness;
const answers: { url: string; text: string }[] = [];

beforeEach(async () => {
  h = await createHarness();
  answers.length = 0;
  const request = h.request.bind(h);
  h.request = async (method, url, body, token) => {
    const res = await request(method, url, body, token);
    answers.push({ url: `${method} ${url}`, text: JSON.stringify(res.body ?? null) });
    return res;
  };
});
afterEach(async () => {
  const leaks = answers.filter((a) => a.text.includes(MARKER) && !a.url.startsWith('GET /v1/agent/assignments'));
  expect(leaks.map((a) => a.url)).toEqual([]);
  await h.close();
});

function withSecrets(secrets: string, over: Parameters<typeof taskFile>[0] = {}): string {
  return taskFile({ count: 1, ...over }).replace('image = "registry.internal:5000/shop:1.4.2"\n', `image = "registry.internal:5000/shop:1.4.2"\nsecrets = ${secrets}\n`);
}

async function hostWithAssignments() {
  const res = await h.request('POST', '/v1/agent/register', registerBody('h1', 'web'));
  const hostId = res.body.host_id as string;
  return async () => {
    await h.loop.runOnce();
    const answer = await h.request('GET', `/v1/agent/assignments?host_id=${hostId}&wait_ms=0`);
    return answer.body.instances as { id: string; release: number; desired: string; secrets: Record<string, string> }[];
  };
}

describe('secrets', () => {
  it('stores versions, lists names and users but never values, and removes them', async () => {
    const set = await h.request('PUT', '/v1/secrets/default/DB_PASSWORD', { value: `${MARKER}-1` });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ namespace: 'default', name: 'DB_PASSWORD', version: 1, updated_by: 'admin', used_by: [] });
    expect((await h.request('PUT', '/v1/secrets/default/DB_PASSWORD', { value: `${MARKER}-2` })).body.version).toBe(2);
    await h.request('PUT', '/v1/secrets/shop/API_KEY', { value: MARKER });
    const all = await h.request('GET', '/v1/secrets');
    expect(all.body.secrets.map((s: { namespace: string; name: string; version: number }) => `${s.namespace}/${s.name}@${s.version}`)).toEqual(['default/DB_PASSWORD@2', 'shop/API_KEY@1']);
    const shop = await h.request('GET', '/v1/secrets?namespace=shop');
    expect(shop.body.secrets).toHaveLength(1);

    const removed = await h.request('DELETE', '/v1/secrets/default/DB_PASSWORD');
    expect(removed.body).toEqual({ namespace: 'default', name: 'DB_PASSWORD', versions: 2 });
    expect((await h.request('DELETE', '/v1/secrets/default/DB_PASSWORD')).status).toBe(404);
    // A secret set again after rm does not reuse the old version numbers (old releases name them).
    expect((await h.request('PUT', '/v1/secrets/default/DB_PASSWORD', { value: 'new' })).body.version).toBe(3);
    const events = await h.request('GET', '/v1/events');
    expect(events.body.events.filter((e: { kind: string }) => e.kind.startsWith('secret.')).map((e: { message: string }) => e.message)).toEqual([
      'secret DB_PASSWORD of namespace default set (version 1)',
      'secret DB_PASSWORD of namespace default set (version 2)',
      'secret API_KEY of namespace shop set (version 1)',
      'secret DB_PASSWORD of namespace default removed (2 version(s))',
      'secret DB_PASSWORD of namespace default set (version 3)',
    ]);
  });

  it('keeps values only encrypted in the database, bound to their name and version', async () => {
    await h.request('PUT', '/v1/secrets/default/A', { value: MARKER });
    await h.request('PUT', '/v1/secrets/default/B', { value: MARKER });
    const stored = await h.store.listSecrets();
    expect(stored.map((s) => [s.name, s.version, s.sealed.keyId === h.ctx.keyring?.currentKeyId])).toEqual([
      ['A', 1, true],
      ['B', 1, true],
    ]);
    expect(JSON.stringify(stored)).not.toContain(MARKER);
    expect(stored[0]?.sealed.ciphertext).not.toBe(stored[1]?.sealed.ciphertext);
    // B's row copied over A's does not decrypt as A: the assignments leave the value out.
    const [a, b] = stored as [(typeof stored)[0], (typeof stored)[0]];
    await h.store.resealSecret('default', 'A', 1, b.sealed);
    const assignments = await hostWithAssignments();
    expect((await h.request('POST', '/v1/deploy', { task: withSecrets('["A"]') })).status).toBe(201);
    const [instance] = await assignments();
    expect(instance?.secrets).toEqual({});
    await h.store.resealSecret('default', 'A', 1, a.sealed);
    h.ctx.releases.forgetApp('default/shop');
    expect((await assignments())[0]?.secrets).toEqual({ A: MARKER });
  });

  it('refuses a deploy naming secrets that do not exist, with every missing name, and records the versions a release runs', async () => {
    const assignments = await hostWithAssignments();
    await h.request('PUT', '/v1/secrets/default/TOKEN', { value: `${MARKER}-v1` });
    const refused = await h.request('POST', '/v1/deploy', { task: withSecrets('["TOKEN", "DB_PASSWORD", { name = "TLS_KEY", file = "/run/secrets/tls.key" }]') });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('secrets_missing');
    expect(refused.body.details).toEqual({ namespace: 'default', missing: ['DB_PASSWORD', 'TLS_KEY'] });
    expect(refused.body.message).toContain('DB_PASSWORD, TLS_KEY');
    expect((await h.request('GET', '/v1/apps')).body.apps).toEqual([]);

    await h.request('PUT', '/v1/secrets/default/DB_PASSWORD', { value: `${MARKER}-db` });
    await h.request('PUT', '/v1/secrets/default/TLS_KEY', { value: `${MARKER}-tls` });
    const deployed = await h.request('POST', '/v1/deploy', { task: withSecrets('["TOKEN", "DB_PASSWORD", { name = "TLS_KEY", file = "/run/secrets/tls.key" }]') });
    expect(deployed.status).toBe(201);
    const [instance] = await assignments();
    expect(instance?.secrets).toEqual({ TOKEN: `${MARKER}-v1`, DB_PASSWORD: `${MARKER}-db`, TLS_KEY: `${MARKER}-tls` });
    const releases = await h.request('GET', '/v1/apps/default/shop/releases');
    expect(releases.body.releases[0].secrets).toEqual({ DB_PASSWORD: 1, TLS_KEY: 1, TOKEN: 1 });
    // The stored spec names secrets, never their values.
    expect(JSON.stringify(await h.store.listReleases('default/shop'))).not.toContain(MARKER);
  });

  it('changes nothing running when a value changes; restart rolls the new version out as a new release', async () => {
    const assignments = await hostWithAssignments();
    await h.request('PUT', '/v1/secrets/default/TOKEN', { value: `${MARKER}-v1` });
    await h.request('POST', '/v1/deploy', { task: withSecrets('["TOKEN"]') });
    const [first] = await assignments();
    const set = await h.request('PUT', '/v1/secrets/default/TOKEN', { value: `${MARKER}-v2` });
    expect(set.body.used_by).toEqual([{ app: 'shop', version: 1 }]);
    const listed = await h.request('GET', '/v1/secrets');
    expect(listed.body.secrets[0]).toMatchObject({ name: 'TOKEN', version: 2, used_by: [{ app: 'shop', version: 1 }] });
    const unchanged = await assignments();
    expect(unchanged).toEqual([first]);
    expect(unchanged[0]?.secrets).toEqual({ TOKEN: `${MARKER}-v1` });

    const restarted = await h.request('POST', '/v1/apps/default/shop/restart');
    expect(restarted.status).toBe(201);
    expect(restarted.body).toMatchObject({ app: 'shop', release: 2, deployment: { from_release: 1, to_release: 2 } });
    const next = (await assignments()).find((a) => a.release === 2 && a.desired === 'run');
    expect(next?.secrets).toEqual({ TOKEN: `${MARKER}-v2` });
    const releases = (await h.request('GET', '/v1/apps/default/shop/releases')).body.releases;
    expect(releases.map((r: { version: number; secrets: Record<string, number>; images: string[] }) => [r.version, r.secrets, r.images])).toEqual([
      [2, { TOKEN: 2 }, ['registry.internal:5000/shop:1.4.2']],
      [1, { TOKEN: 1 }, ['registry.internal:5000/shop:1.4.2']],
    ]);
    const events = (await h.request('GET', '/v1/events')).body.events.map((e: { message: string }) => e.message);
    expect(events).toContain('release 2 of default/shop: a restart of release 1 (secrets TOKEN v2)');
    expect((await h.request('POST', '/v1/apps/default/nope/restart')).status).toBe(404);
  });

  it('refuses to remove a secret the current release runs, and a rollback to a release whose version was removed', async () => {
    await hostWithAssignments();
    await h.request('PUT', '/v1/secrets/default/TOKEN', { value: MARKER });
    await h.request('POST', '/v1/deploy', { task: withSecrets('["TOKEN"]') });
    const refused = await h.request('DELETE', '/v1/secrets/default/TOKEN');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'secret_in_use', details: { apps: ['shop'] } });
    expect(refused.body.message).toContain('used by the current release of shop');

    await h.request('POST', '/v1/deploy', { task: taskFile({ count: 1 }) });
    // The rollout to release 2 may still roll back to release 1, whose instances still run.
    const during = await h.request('DELETE', '/v1/secrets/default/TOKEN');
    expect(during.status).toBe(409);
    expect(during.body.message).toContain('or one its instances still run or a rollout would roll back to');
    // The rollout done: the deployment finished, release 1's instances stopped.
    const active = await h.store.activeDeployment('default/shop');
    await h.store.updateDeployment(active?.id as string, { status: 'succeeded' });
    const old = (await h.store.listInstances({ appId: 'default/shop', live: true })).filter((i) => i.release === 1);
    await h.store.updateInstances(old.map((i) => i.id), { state: 'stopped', desired: 'stop' });
    expect((await h.request('DELETE', '/v1/secrets/default/TOKEN')).status).toBe(200);
    const rollback = await h.request('POST', '/v1/apps/default/shop/rollback', {});
    expect(rollback.status).toBe(409);
    expect(rollback.body.message).toContain('runs secret TOKEN version 1, removed since');
  });

  it('rotates the key: every value re-encrypted, the old key dropped from the key file, values still delivered', async () => {
    const assignments = await hostWithAssignments();
    await h.request('PUT', '/v1/secrets/default/TOKEN', { value: MARKER });
    await h.request('POST', '/v1/deploy', { task: withSecrets('["TOKEN"]') });
    const before = (await h.store.listSecrets())[0];
    const oldKey = h.ctx.keyring?.currentKeyId;
    const rotated = await h.request('POST', '/v1/server/rotate-key');
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ key_id: expect.stringMatching(/^k-/), resealed: 1, retired: [oldKey] });
    const after = (await h.store.listSecrets())[0];
    expect(after?.sealed.keyId).toBe(rotated.body.key_id);
    expect(after?.sealed.ciphertext).not.toBe(before?.sealed.ciphertext);
    const file = JSON.parse(await readFile(h.ctx.keyring?.path as string, 'utf8'));
    expect(Object.keys(file.keys)).toEqual([rotated.body.key_id]);
    expect((await assignments())[0]?.secrets).toEqual({ TOKEN: MARKER });
    // Two rotations at once: one after the other, no key lost.
    const both = await Promise.all([h.request('POST', '/v1/server/rotate-key'), h.request('POST', '/v1/server/rotate-key')]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect((await assignments())[0]?.secrets).toEqual({ TOKEN: MARKER });
    expect(Object.keys(JSON.parse(await readFile(h.ctx.keyring?.path as string, 'utf8')).keys)).toEqual([h.ctx.keyring?.currentKeyId]);
  });

  it.each([
    ['a name that is not a variable name', '/v1/secrets/default/1BAD', { value: 'x' }, 'path.name'],
    ['a namespace that is not a DNS label', '/v1/secrets/Bad_NS/TOKEN', { value: 'x' }, 'path.namespace'],
    ['a value over 64 KiB', '/v1/secrets/default/TOKEN', { value: MARKER.repeat(Math.ceil((64 * 1024 + 1) / MARKER.length)) }, 'body.value'],
    ['a value that is not a string', '/v1/secrets/default/TOKEN', { value: [MARKER] }, 'body.value'],
    ['an empty value', '/v1/secrets/default/TOKEN', { value: '' }, 'body.value'],
    ['a bad name, with a value', '/v1/secrets/default/1BAD', { value: MARKER }, 'path.name'],
    ['an unknown field', '/v1/secrets/default/TOKEN', { value: 'x', extra: MARKER }, 'body'],
  ] as const)('refuses %s with a message naming the field', async (_what, url, body, field) => {
    const res = await h.request('PUT', url, body);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(field);
    expect(JSON.stringify(res.body)).not.toContain(MARKER);
  });
});
