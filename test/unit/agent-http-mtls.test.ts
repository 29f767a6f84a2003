import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentHttp, type RunningAgentHttp } from '../../src/agent/agent-http.js';
import { agentLogOpener } from '../../src/client/open-agent-logs.js';
import { tlsFetch } from '../../src/client/tls-fetch.js';
import type { TaskSpec } from '../../src/domain/task-spec.js';
import { ensureClusterCa } from '../../src/pki/cluster-ca.js';
import { createCsr } from '../../src/pki/create-csr.js';
import { hostIdentityUri } from '../../src/pki/identity-uri.js';
import { issueServerCredentials } from '../../src/pki/server-credentials.js';
import { signHostCsr } from '../../src/pki/sign-host-csr.js';
import { FakeRuntime } from '../../src/runtimes/fake/fake-runtime.js';

// A joined agent's listener (HTTPS with its host certificate) and the server's way to call it,
// with real certificates of one CA.
let dir: string;
let agent: RunningAgentHttp;
let ca: string;
let server: Awaited<ReturnType<typeof issueServerCredentials>>;
let otherHost: { cert: string; key: string };

async function hostCredential(cluster: Awaited<ReturnType<typeof ensureClusterCa>>, name: string) {
  const { keyPem, csrPem } = await createCsr(name);
  return { cert: (await signHostCsr(cluster, { name, csrPem, now: Date.now() })).pem, key: keyPem };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bubo-agent-mtls-'));
  const cluster = await ensureClusterCa(dir);
  ca = cluster.certPem;
  server = await issueServerCredentials(cluster, { listenHost: '127.0.0.1', sans: [] });
  const own = await hostCredential(cluster, 'web-1');
  otherHost = await hostCredential(cluster, 'web-2');
  const runtime = new FakeRuntime();
  await runtime.start({ id: 'shop-1', app: 'shop', namespace: 'default', release: 1, slot: 0, spec: {} as TaskSpec, secrets: {} });
  agent = await startAgentHttp({ listen: '127.0.0.1:0', tls: { ...own, ca }, runtimes: [runtime] });
});
afterAll(async () => {
  await agent?.close();
  await rm(dir, { recursive: true, force: true });
});

const url = () => `${agent.url}/v1/local/instances/shop-1/logs`;
const request = { instanceId: 'shop-1', follow: false, signal: new AbortController().signal };

describe('a joined agent\'s listener', () => {
  it('speaks HTTPS and answers the server\'s certificate', async () => {
    expect(agent.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await tlsFetch({ ca, cert: server.clientCert, key: server.clientKey, checkServerIdentity: () => undefined })(url());
    expect(res.status).toBe(200);
  });

  it('refuses another host\'s certificate (403) and a client without one (TLS handshake)', async () => {
    const asHost = await tlsFetch({ ca, ...otherHost, checkServerIdentity: () => undefined })(url());
    expect(asHost.status).toBe(403);
    await expect(tlsFetch({ ca, checkServerIdentity: () => undefined })(url())).rejects.toThrow();
  });

  it('is called by the server only at the host\'s registered address, and only if its certificate names the host', async () => {
    const open = agentLogOpener({ tls: { ca, cert: server.clientCert, key: server.clientKey }, hostIdentity: hostIdentityUri });
    await expect(open({ ...request, agentUrl: agent.url, hostName: 'web-1', hostAddress: '127.0.0.1' })).resolves.toBeDefined();
    await expect(open({ ...request, agentUrl: agent.url, hostName: 'web-1', hostAddress: '192.0.2.1' })).rejects.toMatchObject({ message: expect.stringMatching(/not at its registered address 192\.0\.2\.1/) });
    await expect(open({ ...request, agentUrl: agent.url, hostName: 'web-2', hostAddress: '127.0.0.1' })).rejects.toMatchObject({ code: 'unreachable' });
  });
});
