import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
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

/** PID of the first process of a runc container, or null when runc does not know it. */
async function containerPid(name: string): Promise<number | null> {
  try {
    const state = JSON.parse(await sh(['runc', 'state', name])) as { pid: number; status: string };
    return state.status === 'running' ? state.pid : null;
  } catch {
    return null;
  }
}

async function httpGet(url: string): Promise<string> {
  const res = await fetch(url, { headers: { connection: 'close' }, signal: AbortSignal.timeout(3_000) });
  return res.text();
}

/**
 * Real runc, a real registry, real images built from Debian packages, a real `bubo server` and
 * a real `bubo agent` process: deploy, reach, scale, restart the agent, kill a container, destroy.
 */
describe.skipIf(!isRoot)('instances as runc containers', () => {
  let dir: string;
  let registry: Registry;
  let server: ServerProcess;
  let agent: AgentProcess;
  let client: ApiClient;
  let images: Awaited<ReturnType<typeof pushTestImages>>;
  const bridge = `bbt${process.pid % 100000}`;
  const app = { namespace: 'default', app: 'hello' };

  const status = () => client.call('getApp', { params: app });
  /** runc containers whose bundles live in this test's agent state directory. */
  const ourContainers = async () =>
    ((JSON.parse((await sh(['runc', 'list', '--format', 'json'])) || 'null') as { id: string; bundle: string }[] | null) ?? []).filter((c) =>
      c.bundle.startsWith(join(dir, 'agent')),
    );
  const running = async () => (await status()).instances.filter((i) => i.state === 'running' && i.desired === 'run');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-runc-e2e-'));
    registry = await startRegistry();
    images = await pushTestImages(registry);
    server = new ServerProcess(join(dir, 'server'), await freePort(), ['--cluster-cidr', '10.213.0.0/16']);
    await server.start();
    const token = (await readFile(join(dir, 'server', 'admin.token'), 'utf8')).trim();
    client = new ApiClient({ baseUrl: server.url, token });
    agent = new AgentProcess(
      ['--server', server.url, '--group', 'local', '--name', 'h1', '--state-dir', join(dir, 'agent'), '--bridge', bridge, '--address', '127.0.0.1', '--image-gc-interval', '1s', '--runtime', 'runc'],
      { BUBO_TOKEN: token },
    );
    await agent.start();
  }, 180_000);

  afterAll(async () => {
    await agent?.signal('SIGTERM');
    await server?.stop();
    await registry?.stop();
    await cleanupAgentState(join(dir, 'agent'), bridge);
    await rm(dir, { recursive: true, force: true });
  });

  it('deploys two instances that answer over HTTP from the host on their own addresses', async () => {
    const task = `app = "hello"\ngroup = "local"\ncount = 2\nruntime = "container"\n\n[resources]\ncpus = 0.5\nmemory = "64MiB"\ndisk = "64MiB"\n\n[[containers]]\nname = "web"\nimage = "${images.httpdV1}"\n\n[[ports]]\nname = "http"\nport = 80\n`;
    await writeFile(join(dir, 'hello.toml'), task);
    const deployed = await client.call('deploy', { body: { task } });
    expect(deployed.release).toBe(1);
    const up = await waitFor('2 running instances', async () => ((await running()).length === 2 ? running() : false), 90_000);
    for (const instance of up) {
      expect(instance.address).toMatch(/^10\.213\.1\.\d+$/);
      const page = await waitFor(`HTTP from ${instance.address}`, () => httpGet(`http://${instance.address}/`), 20_000);
      expect(page).toContain('v1');
    }
  });

  it('answers the app name from the resolver bubo wrote into the containers', async () => {
    let lastLookup = '';
    const up = await running();
    const name = `${up[0]!.id}-web`;
    const answer = await waitFor('the app name to resolve', async () => {
      const out = await sh(['runc', 'exec', name, '/bin/busybox', 'nslookup', 'hello.default.bubo.internal']).catch((e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`);
      lastLookup = out;
      return up.every((i) => out.includes(i.address!)) && out;
    }, 20_000).catch((error) => {
      throw new Error(`${(error as Error).message}; last answer: ${lastLookup}; agent: ${agent.output.slice(-2000)}`);
    });
    expect(answer).toContain('10.213.1.1'); // the server that answered: the agent, on the bridge
    const missing = await sh(['runc', 'exec', name, '/bin/busybox', 'nslookup', 'nope.default.bubo.internal']).catch((e: { stdout?: string }) => e.stdout ?? '');
    expect(missing).toMatch(/NXDOMAIN|can't find/);
  });

  it('scales to 3 and back to 1', async () => {
    await client.call('scaleApp', { params: app, body: { count: 3 } });
    const three = await waitFor('3 running', async () => ((await running()).length === 3 ? running() : false), 60_000);
    for (const i of three) expect(await waitFor('HTTP', () => httpGet(`http://${i.address}/`))).toContain('v1');
    await client.call('scaleApp', { params: app, body: { count: 1 } });
    await waitFor('1 running and the others stopped', async () => {
      const s = await status();
      return s.running === 1 && s.instances.filter((i) => i.desired === 'stop').every((i) => i.state === 'stopped');
    }, 60_000);
    expect(await ourContainers()).toHaveLength(1);
  });

  it('keeps containers running with the same PIDs across an agent restart', async () => {
    const [instance] = await running();
    const name = `${instance!.id}-web`;
    const before = await containerPid(name);
    expect(before).toBeGreaterThan(0);
    await agent.signal('SIGTERM');
    expect(await containerPid(name)).toBe(before);
    await agent.start();
    // Once the new agent has converged it has decided about every container: the same one runs.
    await waitFor('the restarted agent to adopt its instance', async () => agent.output.includes('adopted 1 running instance(s)'), 30_000);
    expect(await containerPid(name)).toBe(before);
    expect((await running()).map((i) => i.id)).toEqual([instance!.id]);
    expect(await httpGet(`http://${instance!.address}/`)).toContain('v1');
  });

  it('restarts a container killed from outside, per its restart policy', async () => {
    const [instance] = await running();
    const name = `${instance!.id}-web`;
    const before = (await containerPid(name))!;
    process.kill(before, 'SIGKILL');
    const after = await waitFor('a new container process', async () => {
      const pid = await containerPid(name);
      return pid !== null && pid !== before ? pid : false;
    }, 30_000);
    expect(after).not.toBe(before);
    expect(await waitFor('HTTP again', () => httpGet(`http://${instance!.address}/`))).toContain('v1');
  });

  it('fails an instance of an image the registry does not have, with the registry\'s reason', async () => {
    const ghost = { namespace: 'default', app: 'ghost' };
    const task = `app = "ghost"\ngroup = "local"\ncount = 1\nruntime = "container"\n\n[resources]\ncpus = 0.1\nmemory = "32MiB"\ndisk = "16MiB"\n\n[[containers]]\nname = "main"\nimage = "${registry.host}/bubo/no-such-image:9.9"\n`;
    await client.call('deploy', { body: { task } });
    const failed = await waitFor('a failed instance', async () => (await client.call('getApp', { params: ghost })).instances.find((i) => i.state === 'failed'), 30_000);
    expect(failed.message).toBe(`start failed: image ${registry.host}/bubo/no-such-image:9.9 not found in the registry`);
    await client.call('destroyApp', { params: ghost });
    await waitFor('ghost to be gone', async () => !(await client.call('listApps', {})).apps.some((a) => a.name === 'ghost'), 30_000).catch(async (error) => {
      throw new Error(`${(error as Error).message}: ${JSON.stringify((await client.call('getApp', { params: ghost })).instances)}`);
    });
  });

  it('destroys the app and leaves no network devices, namespaces, mounts, cgroups or nft rules behind', async () => {
    const ids = (await status()).instances.map((i) => i.id);
    const netPath = join(dir, 'agent', 'net', 'network.json');
    const before = JSON.parse(await readFile(netPath, 'utf8')) as { attachments: Record<string, { hash: string }> };
    const hashes = Object.values(before.attachments).map((a) => a.hash);
    expect(hashes.length).toBeGreaterThan(0);
    await client.call('destroyApp', { params: app });
    await waitFor('the app to be gone', async () => (await client.call('listApps', {})).apps.length === 0, 60_000);
    await waitFor('no runc containers', async () => (await ourContainers()).length === 0, 30_000);
    expect((JSON.parse(await readFile(netPath, 'utf8')) as { attachments: object }).attachments).toEqual({});
    const netns = await sh(['ip', 'netns', 'list']);
    const allLinks = await sh(['ip', '-br', 'link']);
    for (const hash of hashes) {
      expect(netns).not.toContain(`bubo-${hash}`);
      expect(allLinks).not.toContain(`bv${hash}`);
    }
    const links = JSON.parse(await sh(['ip', '-j', 'link', 'show', 'master', bridge])) as { ifname: string }[];
    expect(links.map((l) => l.ifname)).toEqual([]);
    expect(await readFile('/proc/mounts', 'utf8')).not.toContain(join(dir, 'agent'));
    for (const id of ids) expect(existsSync(`/sys/fs/cgroup/memory/bubo/${id}`)).toBe(false);
    // The image no instance uses any more leaves the cache at the next garbage collection.
    await waitFor('the unused image to be collected', async () => (await readdir(join(dir, 'agent', 'images', 'rootfs'))).length === 0, 20_000);
    const ruleset = await sh(['nft', 'list', 'ruleset']);
    expect(ruleset).not.toMatch(/10\.213\.1\.(?!0\/|1\b)\d+/);
  });
});
