import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.js';
import { ApiClient } from '../../src/client/api-client.js';
import { FakeRuntime } from '../../src/runtimes/fake/fake-runtime.js';
import { taskFile } from '../support/api-harness.js';
import { freePort, ServerProcess, waitFor } from '../support/server-process.js';

/**
 * `bubo server` as a real process, three simulated hosts (the real agent loop over the fake
 * runtime), a deploy, a scale, and a SIGKILL of the server in the middle of a rolling deploy.
 */
describe('bubo server survives SIGKILL in the middle of a deploy', () => {
  let dir: string;
  let server: ServerProcess;
  let client: ApiClient;
  const runtimes = [1, 2, 3].map(() => new FakeRuntime({ name: 'qemu', kind: 'microvm', startDelayMs: 400 }));
  const agents: Agent[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-e2e-'));
    server = new ServerProcess(join(dir, 'state'), await freePort());
    await server.start();
  });

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates an owner-only admin token on first start and says where it is', async () => {
    const tokenPath = join(dir, 'state', 'admin.token');
    expect(server.output).toContain(tokenPath);
    expect((await stat(tokenPath)).mode & 0o777).toBe(0o600);
    client = new ApiClient({ baseUrl: server.url, token: (await readFile(tokenPath, 'utf8')).trim() });
  });

  it('registers simulated hosts, deploys, scales, and survives a SIGKILL mid-rollout', async () => {
    runtimes.forEach((runtime, n) => {
      agents.push(
        new Agent({
          client,
          name: `h${n + 1}`,
          group: 'web',
          address: `192.0.2.${n + 1}`,
          capacity: { cpus: 8, memory_mib: 8192, disk_mib: 65536 },
          runtimes: [runtime],
          pollWaitMs: 2_000,
          monitorIntervalMs: 200,
        }),
      );
    });
    await Promise.all(agents.map((a) => a.start()));

    const first = await client.call('deploy', { body: { task: taskFile({ count: 3 }) } });
    await waitFor('release 1 running', async () => (await client.call('getDeployment', { params: { id: first.deployment.id } })).status === 'succeeded');
    await client.call('scaleApp', { params: { namespace: 'default', app: 'shop' }, body: { count: 6 } });
    await waitFor('6 running', async () => (await client.call('getApp', { params: { namespace: 'default', app: 'shop' } })).running === 6);
    const hostsOfShop = new Set(
      (await client.call('getApp', { params: { namespace: 'default', app: 'shop' } })).instances.map((i) => i.host),
    );
    expect(hostsOfShop).toEqual(new Set(['h1', 'h2', 'h3']));

    const eventsBefore = (await client.call('listEvents', { query: { limit: 1000 } })).events;
    const second = await client.call('deploy', { body: { task: taskFile({ count: 6 }).replace('1.4.2', '1.5.0') } });
    await waitFor('the rollout to be half-way', async () => {
      const d = await client.call('getDeployment', { params: { id: second.deployment.id } });
      return d.progress.started > 0 && d.progress.old_live > 0;
    });
    await server.kill();
    await server.start();

    const done = await waitFor(
      'release 2 to finish after the restart',
      async () => {
        const d = await client.call('getDeployment', { params: { id: second.deployment.id } });
        return d.status !== 'running' && d;
      },
      60_000,
    );
    expect(done.status).toBe('succeeded');
    const app = await client.call('getApp', { params: { namespace: 'default', app: 'shop' } });
    const running = app.instances.filter((i) => i.state === 'running');
    expect(running).toHaveLength(6);
    expect(running.every((i) => i.release === 2)).toBe(true);
    expect(new Set(running.map((i) => i.slot))).toEqual(new Set([0, 1, 2, 3, 4, 5]));

    // Exactly the server's running instances exist on the hosts: none lost, none duplicated.
    await waitFor('hosts to drop old instances', async () => runtimes.reduce((n, r) => n + r.instances.size, 0) === 6);
    const onHosts = runtimes.flatMap((r) => [...r.instances.keys()]).sort();
    expect(onHosts).toEqual(running.map((i) => i.id).sort());

    const releases = await client.call('listReleases', { params: { namespace: 'default', app: 'shop' } });
    expect(releases.releases.map((r) => r.version)).toEqual([2, 1]);
    const eventsAfter = (await client.call('listEvents', { query: { limit: 1000 } })).events;
    const ids = new Set(eventsAfter.map((e) => e.id));
    expect(eventsBefore.every((e) => ids.has(e.id))).toBe(true);
    expect(eventsAfter.map((e) => e.kind)).toContain('deployment.succeeded');
    const groups = await client.call('listGroups', {});
    expect(groups.groups[0]).toMatchObject({ name: 'web', hosts: 3, cpus: { allocated: 6, total: 24 } });
  });
});
