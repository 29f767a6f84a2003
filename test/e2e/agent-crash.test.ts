import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
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

async function sh(argv: string[]): Promise<string> {
  return (await run(argv[0]!, argv.slice(1))).stdout;
}

async function httpGet(url: string): Promise<string> {
  const res = await fetch(url, { headers: { connection: 'close' }, signal: AbortSignal.timeout(3_000) });
  return res.text();
}

interface NetworkState {
  attachments: Record<string, { hash: string }>;
}

/**
 * SIGKILL of a real `bubo agent` while it starts a runc instance (its instance directory exists,
 * its containers do not run yet): after a restart the app runs exactly once, and nothing of the
 * interrupted start is left (containers, netns, veths, mounts, cgroups).
 */
describe.skipIf(!isRoot)('an agent killed in the middle of starting an instance', () => {
  let dir: string;
  let registry: Registry;
  let server: ServerProcess;
  let agent: AgentProcess;
  let client: ApiClient;
  let task: string;
  const bridge = 'bbcrash0';
  const app = { namespace: 'default', app: 'crashy' };
  const agentDir = () => join(dir, 'agent');
  const instancesDir = () => join(agentDir(), 'runc', 'instances');
  const netPath = () => join(agentDir(), 'net', 'network.json');
  const readNetwork = async () => (JSON.parse(await readFile(netPath(), 'utf8').catch(() => '{"attachments":{}}')) as NetworkState).attachments;
  /** runc containers whose bundles live in this test's agent state directory. */
  const ourContainers = async () =>
    ((JSON.parse((await sh(['runc', 'list', '--format', 'json'])) || 'null') as { id: string; bundle: string; status: string }[] | null) ?? []).filter((c) =>
      c.bundle.startsWith(agentDir()),
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-crash-e2e-'));
    registry = await startRegistry();
    const images = await pushTestImages(registry);
    server = new ServerProcess(join(dir, 'server'), await freePort(), ['--cluster-cidr', '10.217.0.0/16']);
    await server.start();
    const token = (await readFile(join(dir, 'server', 'admin.token'), 'utf8')).trim();
    client = new ApiClient({ baseUrl: server.url, token });
    agent = new AgentProcess(
      ['--server', server.url, '--group', 'crash', '--name', 'h1', '--state-dir', agentDir(), '--bridge', bridge, '--address', '127.0.0.1', '--runtime', 'runc'],
      { BUBO_TOKEN: token },
    );
    await agent.start();
    task = `app = "crashy"\ngroup = "crash"\ncount = 1\nruntime = "container"\n\n[resources]\ncpus = 0.5\nmemory = "64MiB"\ndisk = "64MiB"\n\n[[containers]]\nname = "web"\nimage = "${images.httpdV1}"\n\n[[ports]]\nname = "http"\nport = 80\n`;
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

  it('runs the app exactly once after a restart and leaves nothing of the interrupted start', async () => {
    await client.call('deploy', { body: { task } });
    const interrupted = await waitFor('the instance directory', async () => (await readdir(instancesDir()).catch(() => []))[0], 30_000);
    await agent.signal('SIGKILL');
    const runningAtKill = (await ourContainers()).filter((c) => c.status === 'running').length;
    const hashAtKill = (await readNetwork())[interrupted]?.hash;

    await agent.start();
    const status = () => client.call('getApp', { params: app });
    const instance = await waitFor(
      'exactly one running instance and the interrupted one gone',
      async () => {
        const s = await status();
        const up = s.instances.filter((i) => i.state === 'running' && i.desired === 'run');
        const containers = await ourContainers();
        const dirs = await readdir(instancesDir()).catch(() => []);
        return up.length === 1 && containers.length === 1 && dirs.length === 1 && up[0];
      },
      45_000,
    );
    expect(runningAtKill).toBe(0); // The kill was mid-start: no container of the instance ran yet.
    const [container] = await ourContainers();
    expect(container!.id).toBe(`${instance.id}-web`);
    expect(container!.status).toBe('running');
    expect(await waitFor(`HTTP from ${instance.address}`, () => httpGet(`http://${instance.address}/`), 20_000)).toContain('v1');

    const attachments = await readNetwork();
    expect(Object.keys(attachments)).toEqual([instance.id]);
    const netns = await sh(['ip', 'netns', 'list']);
    const links = await sh(['ip', '-br', 'link']);
    const ours = attachments[instance.id]!.hash;
    expect(netns).toContain(`bubo-${ours}`);
    const bridged = JSON.parse(await sh(['ip', '-j', 'link', 'show', 'master', bridge])) as { ifname: string }[];
    expect(bridged.map((l) => l.ifname)).toEqual([`bv${ours}`]);
    const mounts = (await readFile('/proc/mounts', 'utf8')).split('\n').map((l) => l.split(' ')[1] ?? '');
    const underState = mounts.filter((m) => m.startsWith(agentDir()));
    expect(underState).toEqual([join(instancesDir(), instance.id, 'web', 'rootfs')]);
    if (interrupted !== instance.id) {
      if (hashAtKill) {
        expect(netns).not.toContain(`bubo-${hashAtKill}`);
        expect(links).not.toContain(`bv${hashAtKill}`);
      }
      expect(existsSync(`/sys/fs/cgroup/memory/bubo/${interrupted}`)).toBe(false);
      expect(existsSync(join(instancesDir(), interrupted))).toBe(false);
    }
  });
});
