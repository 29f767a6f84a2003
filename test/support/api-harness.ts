import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ensureClusterCa, type ClusterCa } from '../../src/pki/cluster-ca.js';
import { signHostCsr } from '../../src/pki/sign-host-csr.js';
import { SecretKeyring } from '../../src/secrets/secret-keyring.js';
import type { CoreContext } from '../../src/core/core-context.js';
import type { ControlLoop } from '../../src/core/control-loop.js';
import { createCore } from '../../src/core/create-core.js';
import { buildHttpApp } from '../../src/http/build-http-app.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { OpenApiChecker } from './openapi-checker.js';
import type { AgentCaller } from '../../src/api/agent-local.js';

export const TOKEN = 'bubo_test_token_0123456789';

export interface Harness {
  app: FastifyInstance;
  ctx: CoreContext;
  loop: ControlLoop;
  store: Store;
  openapi: OpenApiChecker;
  clock: { now: number };
  /** The harness's cluster CA (a fresh one in a temporary directory). */
  ca: ClusterCa;
  /** Injects a request (authenticated unless `token` is null) and checks the answer against OpenAPI. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers; the OpenAPI checker validates their shape
  request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, token?: string | null): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/**
 * An in-process server on an in-memory SQLite store with a hand-driven clock and control loop.
 * `wrapStore` lets a test put something between the core and the store (see `yielding-store.ts`).
 */
export async function createHarness(openapi?: OpenApiChecker, options: { wrapStore?: (store: Store) => Store; agentCall?: AgentCaller } = {}): Promise<Harness> {
  const store = (options.wrapStore ?? ((s: Store) => s))(await openSqliteStore(':memory:'));
  const clock = { now: Date.parse('2026-11-24T12:00:00Z') };
  const caDir = await mkdtemp(join(tmpdir(), 'bubo-harness-ca-'));
  const ca = await ensureClusterCa(caDir);
  const pki = { caCertPem: ca.certPem, caFingerprint: ca.fingerprint, joinUrl: 'https://127.0.0.1:7443', signHost: (input: { name: string; csrPem: string; now: number }) => signHostCsr(ca, input) };
  const keyring = await SecretKeyring.open(join(caDir, 'secret-keys.json'));
  const { ctx, loop, peers } = createCore({ store, now: () => clock.now, seed: () => 42, pki, keyring });
  const app = buildHttpApp({ ctx, token: TOKEN, logError: () => {}, ...(options.agentCall ? { agentCall: options.agentCall } : {}) });
  await app.ready();
  const doc = (await app.inject({ method: 'GET', url: '/v1/openapi.json', headers: { authorization: `Bearer ${TOKEN}` } })).json();
  const checker = openapi ?? new OpenApiChecker(doc);
  return {
    app,
    ctx,
    loop,
    store,
    openapi: checker,
    clock,
    ca,
    async request(method, url, body, token = TOKEN) {
      const res = await app.inject({
        method,
        url,
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
        ...(body === undefined ? {} : typeof body === 'string' ? { payload: body, headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) } } : { payload: body as object }),
      });
      const parsed = res.body.length > 0 ? res.json() : undefined;
      checker.check(method, url, res.statusCode, parsed);
      return { status: res.statusCode, body: parsed };
    },
    async close() {
      await loop.stop();
      await peers.flush(); // as the server does: a host-list announcement due must not fire at a closed store
      await app.close();
      await store.close();
      await rm(caDir, { recursive: true, force: true });
    },
  };
}

export function taskFile(overrides: { app?: string; group?: string; count?: number; memory?: string; cpus?: number; runtime?: string } = {}): string {
  return `app = "${overrides.app ?? 'shop'}"
group = "${overrides.group ?? 'web'}"
count = ${overrides.count ?? 2}
runtime = "${overrides.runtime ?? 'microvm'}"

[resources]
cpus = ${overrides.cpus ?? 1}
memory = "${overrides.memory ?? '512MiB'}"
disk = "1GiB"

[[containers]]
name = "web"
image = "registry.internal:5000/shop:1.4.2"

[[ports]]
name = "http"
port = 8080
`;
}

export function registerBody(name: string, group: string, opts: { cpus?: number; memory_mib?: number; disk_mib?: number; runtimes?: string[] } = {}) {
  return {
    name,
    group,
    address: `192.0.2.${name.length}`,
    capacity: { cpus: opts.cpus ?? 4, memory_mib: opts.memory_mib ?? 4096, disk_mib: opts.disk_mib ?? 20480 },
    runtimes: (opts.runtimes ?? ['qemu', 'runc']).map((r) => ({ name: r, kind: r === 'runc' ? 'container' : 'microvm', available: true })),
    labels: {},
    roles: [],
  };
}
