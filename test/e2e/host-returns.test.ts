import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api-client.js';
import { AgentProcess } from '../support/agent-process.js';
import { cleanupAgentState } from '../support/cleanup-agent-state.js';
import { type Registry, startRegistry } from '../support/registry.js';
import { freePort, ServerProcess, waitFor } from '../support/server-process.js';
import { pushTestImages } from '../support/test-images.js';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

async function httpGet(url: string): Promise<string> {
  const res = await fetch(url, { headers: { connection: 'close' }, signal: AbortSignal.timeout(3_000) });
  return res.text();
}

/**
 * A host that goes silent and comes back keeps its instances: a real `bubo server` with a short
 * `--host-ttl` and one real `bubo agent` (runc). SIGKILL the agent, wait until the server has
 * marked the host down and its instance `unknown`, restart the agent: the same instance, with the
 * same container process, runs and serves, and nothing replaced it (one host: nothing fits).
 */
describe.skipIf(!isRoot)('a host that comes back after its TTL', () => {
  let dir: string;
  let registry: Registry;
  let server: ServerProcess;
  let agent: AgentProcess;
  let client: ApiClient;
  let task: string;
  const bridge = `bc${process.pid % 100_000}r`;
  const app = { namespace: 'default', app: 'returns' };
  const agentDir = () => join(dir, 'agent');
  /** runc containers of this test's agent, with their init PIDs. */
  const ourContainers = async () =>
    ((JSON.parse((await run('runc', ['list', '--format', 'json'])).stdout || 'null') as { id: string; bundle: string; status: string; pid: number }[] | null) ?? []).filter((c) =>
      c.bundle.startsWith(agentDir()),
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-bc-e2e-'));
    registry = await startRegistry();
    const images = await pushTestImages(registry);
    server = new ServerProcess(join(dir, 'server'), await freePort(), ['--cluster-cidr', '10.219.0.0/16', '--host-ttl', '3s']);
    await server.start();
    const token = (await readFile(join(dir, 'server', 'admin.token'), 'utf8')).trim();
    client = new ApiClient({ baseUrl: server.url, token });
    agent = new AgentProcess(
      ['--server', server.url, '--group', 'returns', '--name', 'h1', '--state-dir', agentDir(), '--bridge', bridge, '--address', '127.0.0.1', '--runtime', 'runc'],
      { BUBO_TOKEN: token },
    );
    await agent.start();
    task = `app = "returns"\ngroup = "returns"\ncount = 1\nruntime = "container"\n\n[resources]\ncpus = 0.5\nmemory = "64MiB"\ndisk = "64MiB"\n\n[[containers]]\nname = "web"\nimage = "${images.httpdV1}"\n\n[[ports]]\nname = "http"\nport = 80\n`;
  }, 120_000);

  afterAll(async () => {
    await agent?.signal('SIGTERM');
    await server?.stop();
    await registry?.stop();
    if (dir) {
      await cleanupAgentState(agentDir(), bridge);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('re-adopts the same instance with the same container process, and replaces nothing', async () => {
    await client.call('deploy', { body: { task } });
    const status = () => client.call('getApp', { params: app });
    const before = await waitFor('one running instance', async () => (await status()).instances.find((i) => i.state === 'running'), 60_000);
    const [container] = await ourContainers();
    expect(container).toMatchObject({ id: `${before.id}-web`, status: 'running' });

    await agent.signal('SIGKILL');
    const silent = await waitFor('the instance unknown', async () => (await status()).instances.find((i) => i.state === 'unknown'), 30_000);
    expect(silent.id).toBe(before.id);
    const hosts = await client.call('listHosts', {});
    expect(hosts.hosts.map((h) => [h.name, h.status])).toEqual([['h1', 'down']]);

    await agent.start();
    const after = await waitFor('the instance running again', async () => (await status()).instances.find((i) => i.state === 'running' && i.desired === 'run'), 30_000);
    expect(after.id).toBe(before.id);
    const instances = (await status()).instances;
    expect(instances.map((i) => [i.id, i.state, i.desired])).toEqual([[before.id, 'running', 'run']]);
    const containers = await ourContainers();
    expect(containers.map((c) => [c.id, c.status, c.pid])).toEqual([[container!.id, 'running', container!.pid]]);
    expect(await waitFor(`HTTP from ${after.address}`, () => httpGet(`http://${after.address}/`), 20_000)).toContain('v1');
    const events = await client.call('listEvents', { query: { app: 'default/returns' } });
    expect(events.events.map((e) => e.kind)).toContain('instance.readopted');
  });
});
