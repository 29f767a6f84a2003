import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.js';
import { ApiClient } from '../../src/client/api-client.js';
import { FakeRuntime } from '../../src/runtimes/fake/fake-runtime.js';
import { taskFile } from '../support/api-harness.js';
import { runBubo } from '../support/run-bubo.js';
import { freePort, ServerProcess, waitFor } from '../support/server-process.js';

/** The `bubo` command as a user runs it, against a real `bubo server` and two simulated hosts. */
describe('the bubo CLI', () => {
  let dir: string;
  let server: ServerProcess;
  let env: Record<string, string>;
  const agents: Agent[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-cli-'));
    server = new ServerProcess(join(dir, 'state'), await freePort());
    await server.start();
    const token = (await readFile(join(dir, 'state', 'admin.token'), 'utf8')).trim();
    env = { BUBO_ADDR: server.url, BUBO_TOKEN: token, HOME: dir };
    const client = new ApiClient({ baseUrl: server.url, token });
    for (const name of ['h1', 'h2']) {
      const agent = new Agent({
        client,
        name,
        group: 'web',
        address: '192.0.2.1',
        capacity: { cpus: 4, memory_mib: 4096, disk_mib: 40960 },
        runtimes: [new FakeRuntime({ name: 'qemu', kind: 'microvm' })],
        pollWaitMs: 2_000,
        monitorIntervalMs: 200,
      });
      agents.push(agent);
      await agent.start();
    }
    await writeFile(join(dir, 'bubo.toml'), taskFile({ count: 2 }));
    await writeFile(join(dir, 'broken.toml'), 'app = "shop"\ngroup = "web"\ncontaners = []\n');
  });

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('validates task files without a server, naming file, line and the fix', async () => {
    const good = await runBubo(['validate', join(dir, 'bubo.toml')], {});
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('ok');
    const bad = await runBubo(['validate', join(dir, 'broken.toml')], {});
    expect(bad.code).toBe(1);
    expect(bad.stdout + bad.stderr).toMatch(/broken\.toml:3:\d+: .*did you mean "containers"\?/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('deploys and waits until the release runs', async () => {
    const res = await runBubo(['deploy', join(dir, 'bubo.toml'), '--wait'], env);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/release 1/);
  });

  it('prints status, hosts and groups as JSON with the documented names', async () => {
    const status = JSON.parse((await runBubo(['status', '--json'], env)).stdout);
    expect(status.apps).toHaveLength(1);
    expect(status.apps[0]).toMatchObject({ name: 'shop', namespace: 'default', release: 1, desired: 2, running: 2 });
    for (const i of status.apps[0].instances) expect(Object.keys(i)).toEqual(expect.arrayContaining(['id', 'host', 'state', 'address']));

    const groups = JSON.parse((await runBubo(['groups', '--json'], env)).stdout);
    expect(groups.groups[0]).toMatchObject({ name: 'web', hosts: 2, cpus: { allocated: 2, total: 8 }, memory_mib: { allocated: 1024, total: 8192 } });
    expect(Object.keys(groups.groups[0])).toEqual(expect.arrayContaining(['name', 'hosts', 'cpus', 'memory_mib', 'disk_mib']));

    const hosts = await runBubo(['hosts'], env);
    expect(hosts.code).toBe(0);
    expect(hosts.stdout).toMatch(/h1/);
    expect(hosts.stdout).toMatch(/h2/);
  });

  it('scales, cordons, lists releases and events', async () => {
    expect((await runBubo(['host', 'cordon', 'h2'], env)).code).toBe(0);
    expect((await runBubo(['hosts'], env)).stdout).toMatch(/cordoned/);
    expect((await runBubo(['scale', 'shop', '3'], env)).code).toBe(0);
    await waitFor('3 running', async () => JSON.parse((await runBubo(['status', 'shop', '--json'], env)).stdout).apps[0].running === 3);
    const status = JSON.parse((await runBubo(['status', 'default/shop', '--json'], env)).stdout);
    const hostsUsed = status.apps[0].instances.filter((i: { state: string }) => i.state === 'running').map((i: { host: string }) => i.host);
    expect(hostsUsed.filter((h: string) => h === 'h1')).toHaveLength(2);
    expect((await runBubo(['host', 'uncordon', 'h2'], env)).code).toBe(0);

    const releases = JSON.parse((await runBubo(['releases', 'shop', '--json'], env)).stdout);
    expect(releases.releases.map((r: { version: number }) => r.version)).toEqual([1]);
    const events = await runBubo(['events', '--app', 'shop'], env);
    expect(events.stdout).toMatch(/release 1/);
    expect(events.stdout).toMatch(/scaled from 2 to 3/);
  });

  it('refuses over-provisioning with a table, and exits non-zero with one line on errors', async () => {
    const big = join(dir, 'big.toml');
    await writeFile(big, taskFile({ app: 'big', count: 20, memory: '1GiB' }));
    const refused = await runBubo(['deploy', big], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/memory/);
    expect(refused.stderr).toMatch(/--force/);

    const noToken = await runBubo(['status'], { BUBO_ADDR: server.url, HOME: dir });
    expect(noToken.code).not.toBe(0);
    expect(noToken.stderr.trim().split('\n')).toHaveLength(1);
    expect(noToken.stderr).toMatch(/token/i);

    const unreachable = await runBubo(['status'], { BUBO_ADDR: 'http://127.0.0.1:1', BUBO_TOKEN: 'x', HOME: dir });
    expect(unreachable.code).not.toBe(0);
    expect(unreachable.stderr).toMatch(/cannot reach bubo server/);

    const json = await runBubo(['scale', 'ghost', '1', '--json'], env);
    expect(json.code).not.toBe(0);
    expect(JSON.parse(json.stdout).error.code).toBe('not_found');
  });

  it('stops and destroys the app', async () => {
    expect((await runBubo(['stop', 'shop'], env)).code).toBe(0);
    await waitFor('0 running', async () => JSON.parse((await runBubo(['status', 'shop', '--json'], env)).stdout).apps[0].running === 0);
    const noYes = await runBubo(['destroy', 'shop'], env);
    expect(noYes.code).not.toBe(0);
    expect(noYes.stderr).toMatch(/--yes/);
    expect((await runBubo(['destroy', 'shop', '--yes'], env)).code).toBe(0);
    await waitFor('the app to be gone', async () => JSON.parse((await runBubo(['status', '--json'], env)).stdout).apps.length === 0);
  });
});
