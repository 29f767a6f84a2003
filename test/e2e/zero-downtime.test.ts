import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentView } from '../../src/api/deployment-view.js';
import { ApiClient } from '../../src/client/api-client.js';
import { AgentProcess } from '../support/agent-process.js';
import { cleanupAgentState } from '../support/cleanup-agent-state.js';
import { type LoadReport, type RunningLoad, startLoad } from '../support/load-generator.js';
import { type Registry, startRegistry } from '../support/registry.js';
import { freePort, ServerProcess, waitFor } from '../support/server-process.js';
import { pushTestImages } from '../support/test-images.js';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
const HOST = 'zd.example.com';

/**
 * The deploy process a sysadmin does by hand, under load: real runc, real NGINX on an lb host,
 * real health checks. Two clients hammer the load balancer through a rolling deploy v1→v2, a
 * blue-green deploy v2→v3 and a release whose check never passes (rolled back): neither the
 * `Connection: close` client nor the keep-alive client that retries an idempotent request once
 * (as browsers do) may see a single failure, and the version they are served must switch.
 */
describe.skipIf(!isRoot)('zero-downtime deploys behind the load balancer', () => {
  let dir: string;
  let registry: Registry;
  let server: ServerProcess;
  let agent: AgentProcess;
  let client: ApiClient;
  let images: Awaited<ReturnType<typeof pushTestImages>>;
  let lbPort: number;
  const bridge = `bbz${process.pid % 100000}`;
  const app = { namespace: 'default', app: 'zd' };
  let loads: { close: RunningLoad; keepalive: RunningLoad } | undefined;

  function task(options: { image: string; version?: number; strategy?: 'rolling' | 'blue-green'; checkPath?: string; deadline?: string }): string {
    const env = options.version ? `env = { VERSION = "${options.version}" }\n` : '';
    return `app = "zd"
group = "zd"
count = 2
runtime = "container"

[resources]
cpus = 0.5
memory = "64MiB"
disk = "64MiB"

[[containers]]
name = "web"
image = "${options.image}"
${env}stop_timeout = "2s"

[[ports]]
name = "http"
port = 80
public = { host = "${HOST}" }

[check]
http = { port = "http", path = "${options.checkPath ?? '/healthz'}", expect = "ok" }
interval = "500ms"
timeout = "400ms"
unhealthy_threshold = 2

[deploy]
strategy = "${options.strategy ?? 'rolling'}"
max_surge = 1
max_unavailable = 0
drain_delay = "1s"
switch_grace = "1s"
healthy_deadline = "${options.deadline ?? '60s'}"
`;
  }

  /** One request through the load balancer (node:http: fetch does not let a caller set Host). */
  function lbGet(): Promise<string> {
    return new Promise((resolve) => {
      const req = http.get(`http://127.0.0.1:${lbPort}/`, { headers: { host: HOST, connection: 'close' }, timeout: 3_000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve(res.statusCode === 200 ? body : `HTTP ${res.statusCode}`));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => resolve(`error ${e.message}`));
    });
  }

  async function deploy(text: string): Promise<DeploymentView> {
    const answer = await client.call('deploy', { body: { task: text } });
    let deployment = answer.deployment;
    const deadline = Date.now() + 120_000;
    while (deployment.status === 'running' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      deployment = await client.call('getDeployment', { params: { id: deployment.id } });
    }
    return deployment;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-zero-downtime-'));
    registry = await startRegistry();
    images = await pushTestImages(registry);
    server = new ServerProcess(join(dir, 'server'), await freePort(), ['--cluster-cidr', '10.221.0.0/16']);
    await server.start();
    const token = (await readFile(join(dir, 'server', 'admin.token'), 'utf8')).trim();
    client = new ApiClient({ baseUrl: server.url, token });
    lbPort = await freePort();
    agent = new AgentProcess(
      ['--server', server.url, '--group', 'zd', '--name', 'zd1', '--state-dir', join(dir, 'agent'), '--bridge', bridge, '--address', '127.0.0.1', '--runtime', 'runc', '--role', 'lb', '--lb-listen', '127.0.0.1', '--lb-port', `80=${lbPort}`, '--agent-listen', '127.0.0.1:0'],
      { BUBO_TOKEN: token },
    );
    await agent.start();
  }, 180_000);

  afterAll(async () => {
    await loads?.close.stop();
    await loads?.keepalive.stop();
    await agent?.signal('SIGTERM');
    await server?.stop();
    await registry?.stop();
    // The agent leaves NGINX running like its instances (it is re-adopted on restart); stop it here.
    await run('/usr/sbin/nginx', ['-p', join(dir, 'agent', 'lb'), '-c', join(dir, 'agent', 'lb', 'nginx.conf'), '-s', 'quit']).catch(() => {});
    await cleanupAgentState(join(dir, 'agent'), bridge);
    await rm(dir, { recursive: true, force: true });
  });

  it('serves release 1 through the load balancer once its instances are healthy', async () => {
    const first = await deploy(task({ image: images.httpdV1 }));
    expect(first.status).toBe('succeeded');
    const page = await waitFor('v1 through the load balancer', async () => ((await lbGet()).includes('v1') ? lbGet() : false), 30_000);
    expect(page).toContain('v1');
    const status = await client.call('getApp', { params: app });
    expect(status.instances.filter((i) => i.desired === 'run').map((i) => i.health)).toEqual(['healthy', 'healthy']);
  });

  it('rolls v1→v2, blue-greens v2→v3 and rolls back a release that never gets healthy, without a failed request', async () => {
    loads = {
      close: startLoad({ url: `http://127.0.0.1:${lbPort}/`, host: HOST, rps: 150, mode: 'close' }),
      keepalive: startLoad({ url: `http://127.0.0.1:${lbPort}/`, host: HOST, rps: 150, mode: 'keepalive' }),
    };
    await new Promise((r) => setTimeout(r, 1_000));

    const rolling = await deploy(task({ image: images.httpdV2 }));
    expect(rolling).toMatchObject({ status: 'succeeded', to_release: 2 });
    await waitFor('v2 served', async () => (await lbGet()).includes('v2'), 15_000);

    const blueGreen = await deploy(task({ image: images.httpdV2, version: 3, strategy: 'blue-green' }));
    expect(blueGreen).toMatchObject({ status: 'succeeded', to_release: 3 });
    expect(blueGreen.switched_at).not.toBeNull();
    await waitFor('v3 served', async () => (await lbGet()).includes('v3'), 15_000);

    const broken = await deploy(task({ image: images.httpdV2, version: 4, checkPath: '/no-such-page', deadline: '8s' }));
    expect(broken.status).toBe('failed');
    expect(broken.message).toMatch(/did not reach 2 healthy within 8s.*rolled back to release 3/);
    const after = await client.call('getApp', { params: app });
    expect(after.release).toBe(3);
    await new Promise((r) => setTimeout(r, 1_000));

    const close = await loads.close.stop();
    const keepalive = await loads.keepalive.stop();
    loads = undefined;
    // Answers are logged as they complete, by 8 concurrent clients, so versions interleave while
    // old and new serve side by side (rolling) or while a request sent before a switch finishes.
    const summary = (name: string, r: LoadReport) =>
      `${name}: ${r.requests} requests, ${r.failed} failed ${JSON.stringify(r.reasons)}, ${r.keepAliveResets} keep-alive resets retried, answers per version ${JSON.stringify(r.versions)}`;
    console.log(`${summary('Connection: close', close)}\n${summary('keep-alive + one retry', keepalive)}`);
    for (const report of [close, keepalive]) {
      expect(report.failed, JSON.stringify(report.reasons)).toBe(0);
      expect(report.requests).toBeGreaterThan(1_000);
      // Every version was served, in deploy order, and the broken v4 never was.
      expect(report.versionChanges.filter((v, n, all) => all.indexOf(v) === n)).toEqual(['v1', 'v2', 'v3']);
      expect(report.versions.v4).toBeUndefined();
    }
  });

  it('takes an instance killed from outside out of the load balancer within interval × threshold, and restarts it', async () => {
    const serving = (await client.call('getApp', { params: app })).instances.filter((i) => i.desired === 'run' && i.health === 'healthy');
    expect(serving).toHaveLength(2);
    const victim = serving[0]!;
    const catalogIds = async () => {
      const { services } = await client.call('agentCatalog', { query: { wait_ms: 0 } });
      return services.find((s) => s.app === 'zd')?.instances.map((i) => i.id) ?? [];
    };
    const { stdout } = await run('runc', ['state', `${victim.id}-web`]);
    const pid = (JSON.parse(stdout) as { pid: number }).pid;
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    await waitFor('the killed instance to leave the catalog', async () => !(await catalogIds()).includes(victim.id), 10_000);
    const gone = Date.now() - killedAt;
    // interval 500 ms × unhealthy_threshold 2, plus one interval of phase and the report round trip.
    expect(gone).toBeLessThan(500 * 2 + 500 + 1_500);
    await waitFor('the instance to be back, healthy', async () => (await catalogIds()).includes(victim.id), 30_000);
    expect(await lbGet()).toContain('v3');
  });
});
