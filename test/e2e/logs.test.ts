import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.js';
import { type RunningAgentHttp, startAgentHttp } from '../../src/agent/agent-http.js';
import { ApiClient } from '../../src/client/api-client.js';
import { FakeRuntime } from '../../src/runtimes/fake/fake-runtime.js';
import { taskFile } from '../support/api-harness.js';
import { runBubo } from '../support/run-bubo.js';
import { freePort, ServerProcess, waitFor } from '../support/server-process.js';

const BUBO = fileURLToPath(new URL('../../bin/bubo.js', import.meta.url));

/** `bubo logs` end to end: the real CLI and server, two in-process agents with their HTTP listeners over fake runtimes. */
describe('bubo logs', () => {
  let dir: string;
  let server: ServerProcess;
  let env: Record<string, string>;
  const agents: Agent[] = [];
  const listeners: RunningAgentHttp[] = [];
  const runtimes: FakeRuntime[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-logs-'));
    server = new ServerProcess(join(dir, 'state'), await freePort());
    await server.start();
    const token = (await readFile(join(dir, 'state', 'admin.token'), 'utf8')).trim();
    env = { BUBO_ADDR: server.url, BUBO_TOKEN: token, HOME: dir };
    for (const name of ['h1', 'h2']) {
      const runtime = new FakeRuntime({ name: 'qemu', kind: 'microvm' });
      const http = await startAgentHttp({ listen: '127.0.0.1:0', token, runtimes: [runtime] });
      const agent = new Agent({
        client: new ApiClient({ baseUrl: server.url, token }),
        name,
        group: 'web',
        address: '127.0.0.1',
        agentUrl: http.url,
        capacity: { cpus: 4, memory_mib: 4096, disk_mib: 40960 },
        runtimes: [runtime],
        pollWaitMs: 2_000,
        monitorIntervalMs: 200,
      });
      await agent.start();
      runtimes.push(runtime);
      listeners.push(http);
      agents.push(agent);
    }
    await writeFile(join(dir, 'bubo.toml'), taskFile({ count: 2 }));
    const deployed = await runBubo(['deploy', join(dir, 'bubo.toml'), '--wait'], env);
    expect(deployed.code).toBe(0);
    for (const runtime of runtimes) {
      const [id] = await waitFor('an instance on each host', async () => runtime.instances.size > 0 && [...runtime.instances.keys()]);
      for (const n of [1, 2, 3]) runtime.output.append(id!, 'web', `${id} line ${n}`);
    }
  });

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await Promise.all(listeners.map((l) => l.close()));
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const ids = () => runtimes.map((r) => [...r.instances.keys()][0]!);

  it('prints every line of every instance, prefixed with instance/container', async () => {
    const res = await runBubo(['logs', 'shop'], env);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const out = res.stdout.trim().split('\n');
    expect(out).toHaveLength(6);
    for (const id of ids()) expect(out.filter((l) => l.startsWith(`${id}/web | `))).toEqual([1, 2, 3].map((n) => `${id}/web | ${id} line ${n}`));
  });

  it('keeps the last N lines with --tail, and the bare lines of one instance', async () => {
    const tail = await runBubo(['logs', 'shop', '--tail', '1'], env);
    expect(tail.stdout.trim().split('\n').sort()).toEqual(ids().map((id) => `${id}/web | ${id} line 3`).sort());
    const [first] = ids();
    const one = await runBubo(['logs', 'shop', '--instance', first!, '--tail', '2'], env);
    expect(one.stdout).toBe(`${first} line 2\n${first} line 3\n`);
    const json = await runBubo(['logs', 'shop', '--instance', first!, '--tail', '1', '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({ instance: first, container: 'web', line: `${first} line 3` });
  });

  it('fails in one line for an app that does not exist', async () => {
    const res = await runBubo(['logs', 'nope'], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('bubo: app "default/nope" not found; see "bubo status" for the apps that exist\n');
  });

  it('follows new lines with -f until interrupted', async () => {
    const child = spawn(process.execPath, [BUBO, 'logs', 'shop', '-f', '--tail', '0'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const [a, b] = ids();
    // The stream is open once a first appended line comes through.
    await waitFor('the follow stream', async () => {
      runtimes[0]!.output.append(a!, 'web', 'ping');
      await new Promise((r) => setTimeout(r, 200));
      return out.includes('ping');
    });
    runtimes[1]!.output.append(b!, 'web', 'live from h2');
    runtimes[0]!.output.append(a!, 'web', 'live from h1');
    await waitFor('live lines', async () => out.includes('live from h2') && out.includes('live from h1'));
    expect(out).toContain(`${b}/web | live from h2\n`);
    expect(out).not.toContain('line 3');
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(err).toBe('');
    await waitFor('agent readers closed', async () => runtimes.every((r) => r.output.openReaders === 0), 5_000);
  });
});
