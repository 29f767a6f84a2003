import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api-client.js';
import { tlsFetch } from '../../src/client/tls-fetch.js';
import { createCore } from '../../src/core/create-core.js';
import type { ControlLoop } from '../../src/core/control-loop.js';
import { buildHttpApp } from '../../src/http/build-http-app.js';
import { type ClusterCa, ensureClusterCa } from '../../src/pki/cluster-ca.js';
import { createCsr } from '../../src/pki/create-csr.js';
import { issueServerCredentials } from '../../src/pki/server-credentials.js';
import { signHostCsr } from '../../src/pki/sign-host-csr.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { registerBody } from '../support/api-harness.js';

// A real HTTPS listener with client certificates made by the real CA code: what a host's
// certificate may and may not do on every agent route.
const TOKEN = 'bubo_test_token_0123456789';
let dir: string;
let app: FastifyInstance;
let store: Store;
let loop: ControlLoop;
let url: string;
let ca: string;
let cluster: ClusterCa;
const hosts: Record<string, { client: ApiClient; id: string }> = {};

async function joinAs(name: string, token: string): Promise<ApiClient> {
  const { keyPem, csrPem } = await createCsr(name);
  const anonymous = new ApiClient({ baseUrl: url, fetch: tlsFetch({ ca }) });
  const credential = await anonymous.call('agentJoin', { body: { token, name, csr: csrPem } });
  return new ApiClient({ baseUrl: url, fetch: tlsFetch({ ca, cert: credential.certificate, key: keyPem }) });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bubo-principal-'));
  cluster = await ensureClusterCa(dir);
  ca = cluster.certPem;
  store = await openSqliteStore(':memory:');
  const pki = { caCertPem: cluster.certPem, caFingerprint: cluster.fingerprint, joinUrl: null, signHost: (i: { name: string; csrPem: string; now: number }) => signHostCsr(cluster, i) };
  const core = createCore({ store, pki });
  loop = core.loop;
  const server = await issueServerCredentials(cluster, { listenHost: '127.0.0.1', sans: [] });
  app = buildHttpApp({ ctx: core.ctx, token: TOKEN, tls: { cert: server.tlsCertChain, key: server.tlsKey, ca }, logError: () => {} });
  await app.listen({ host: '127.0.0.1', port: 0 });
  url = `https://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const admin = new ApiClient({ baseUrl: url, token: TOKEN, fetch: tlsFetch({ ca }) });
  const { token } = await admin.call('createJoinToken', { body: { group: 'web', uses: 2 } });
  for (const name of ['web-1', 'web-2']) {
    const client = await joinAs(name, token);
    const { host_id } = await client.call('agentRegister', { body: { ...registerBody(name, 'web'), runtimes: [] } });
    hosts[name] = { client, id: host_id };
  }
});

afterAll(async () => {
  await loop.stop();
  await app?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

async function status(call: Promise<unknown>): Promise<number | string> {
  try {
    await call;
    return 200;
  } catch (error) {
    return (error as { status?: number; code?: string }).status ?? (error as { code: string }).code;
  }
}

describe('a host certificate acts as its own host only', () => {
  const routes = {
    heartbeat: (c: ApiClient, id: string) => c.call('agentHeartbeat', { body: { host_id: id } }),
    assignments: (c: ApiClient, id: string) => c.call('agentAssignments', { query: { host_id: id, wait_ms: 0 } }),
    status: (c: ApiClient, id: string) => c.call('agentStatus', { body: { host_id: id, instances: [] } }),
    events: (c: ApiClient, id: string) => c.call('agentEvent', { body: { host_id: id, kind: 'lb.rejected', message: 'x' } }),
  };

  it.each(Object.keys(routes))('%s: allowed for itself, 403 for another host', async (route) => {
    const call = routes[route as keyof typeof routes];
    const { client } = hosts['web-1']!;
    expect(await status(call(client, hosts['web-1']!.id))).toBe(200);
    await expect(call(client, hosts['web-2']!.id)).rejects.toMatchObject({ status: 403, code: 'forbidden', message: expect.stringMatching(/belongs to host web-1; it cannot act for host web-2/) });
  });

  it('register: under its own name only, in its token\'s group, without roles the token did not give', async () => {
    const { client } = hosts['web-1']!;
    const body = { ...registerBody('web-1', 'web'), runtimes: [] };
    expect(await status(client.call('agentRegister', { body }))).toBe(200);
    expect(await status(client.call('agentRegister', { body: { ...body, name: 'web-2' } }))).toBe(403);
    expect(await status(client.call('agentRegister', { body: { ...body, group: 'db' } }))).toBe(403);
    expect(await status(client.call('agentRegister', { body: { ...body, roles: ['lb'] } }))).toBe(403);
    expect(await status(client.call('agentRegister', { body: { ...body, agent_url: 'http://192.0.2.66:7071' } }))).toBe(403);
  });

  it('catalog: readable by every host', async () => {
    expect(await status(hosts['web-2']!.client.call('agentCatalog', { query: { wait_ms: 0 } }))).toBe(200);
  });

  it('admin routes: 403 for a host certificate; 401 with neither certificate nor token', async () => {
    expect(await status(hosts['web-1']!.client.call('listHosts'))).toBe(403);
    expect(await status(hosts['web-1']!.client.call('createJoinToken', { body: { group: 'web' } }))).toBe(403);
    const nobody = new ApiClient({ baseUrl: url, fetch: tlsFetch({ ca }) });
    expect(await status(nobody.call('agentAssignments', { query: { host_id: hosts['web-1']!.id, wait_ms: 0 } }))).toBe(401);
  });

  it('the admin token still acts for any host over TLS', async () => {
    const admin = new ApiClient({ baseUrl: url, token: TOKEN, fetch: tlsFetch({ ca }) });
    expect(await status(admin.call('agentHeartbeat', { body: { host_id: hosts['web-2']!.id } }))).toBe(200);
  });

  it('renews with its certificate, dropping its expired ones; a removed host\'s certificates stop working at once and cannot renew', async () => {
    const { client, id } = hosts['web-2']!;
    const [joined] = await store.listHostCerts('web-2');
    await store.insertHostCert({ ...joined!, fingerprint: 'sha256:expired', serial: '01', notAfter: Date.now() - 1_000 });
    const renewed = await client.call('agentRenew', { body: { csr: (await createCsr('ignored')).csrPem } });
    expect(renewed.host_name).toBe('web-2');
    const kept = (await store.listHostCerts('web-2')).map((c) => c.fingerprint);
    expect(kept).toHaveLength(2);
    expect(kept).toContain(joined!.fingerprint);
    expect(kept).not.toContain('sha256:expired');
    const admin = new ApiClient({ baseUrl: url, token: TOKEN, fetch: tlsFetch({ ca }) });
    const events = (await admin.call('listEvents', { query: { host: 'web-2' } })).events.filter((e) => e.kind === 'host.cert_renewed');
    expect(events.map((e) => e.message)).toEqual([expect.stringMatching(/^host web-2 renewed its certificate \(serial [0-9a-f]{32}, valid until .*Z\)$/)]);
    await admin.call('removeHost', { params: { host: 'web-2' }, query: { force: 'true' } });
    await expect(client.call('agentHeartbeat', { body: { host_id: id } })).rejects.toMatchObject({ status: 401, message: expect.stringMatching(/belongs to no host/) });
    await expect(client.call('agentRenew', { body: { csr: (await createCsr('web-2')).csrPem } })).rejects.toMatchObject({ status: 401, message: expect.stringMatching(/belongs to no host/) });
  });

  it('an expired certificate is refused, saying so', async () => {
    const { keyPem, csrPem } = await createCsr('web-1');
    const expired = await signHostCsr(cluster, { name: 'web-1', csrPem, now: Date.now() - 120_000, validityMs: 60_000 });
    const client = new ApiClient({ baseUrl: url, fetch: tlsFetch({ ca, cert: expired.pem, key: keyPem }) });
    await expect(client.call('agentHeartbeat', { body: { host_id: hosts['web-1']!.id } })).rejects.toMatchObject({
      status: 401,
      message: expect.stringMatching(/^the client certificate was refused \(CERT_HAS_EXPIRED: it has expired\)/),
    });
  });
});
