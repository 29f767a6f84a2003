import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api-client.js';
import { tlsFetch } from '../../src/client/tls-fetch.js';
import { AgentProcess } from '../support/agent-process.js';
import { cleanupAgentState } from '../support/cleanup-agent-state.js';
import { JoinableServer } from '../support/joinable-server.js';
import { runBubo } from '../support/run-bubo.js';

const isRoot = process.getuid?.() === 0;

/**
 * The real `bubo server` with its TLS listener and a real `bubo agent` (runc only) that joins
 * with a join token: pinned CA, one use per token, revocation, restart with the stored
 * certificate, a certificate that cannot act for another host, and removal ending it at once.
 */
describe.skipIf(!isRoot)('joining a host with a join token', () => {
  let dir: string;
  let cluster: JoinableServer;
  let tlsPort: number;
  let env: Record<string, string>;
  let admin: ApiClient;
  let agent: AgentProcess | undefined;
  const bridge = `bpk${process.pid % 100000}`;
  const agentDir = () => join(dir, 'agent');
  const baseArgs = () => cluster.localAgentArgs({ stateDir: agentDir(), name: 'pk1', bridge });
  const cli = (...args: string[]) => cluster.cli(...args);
  /** An agent that must fail before it registers: its exit output. */
  const failingAgent = async (args: string[]) => {
    const process_ = new AgentProcess(args, {});
    const failed = await process_.start().then(() => undefined, (error: Error) => error.message);
    await process_.signal('SIGTERM');
    return failed;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-join-e2e-'));
    cluster = new JoinableServer(dir, ['--cluster-cidr', '10.217.0.0/16']);
    await cluster.start();
    ({ tlsPort, env, admin } = cluster);
  }, 60_000);

  afterAll(async () => {
    await agent?.signal('SIGTERM');
    await cluster?.stop();
    await cleanupAgentState(agentDir(), bridge);
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('joins with a token into its group, refuses a wrong fingerprint, a used and a revoked token', async () => {
    const created = await cli('host', 'join-token', 'create', '--group', 'web', '--label', 'rack=r7');
    expect(created).toMatchObject({ group: 'web', uses_left: 1, server_url: `https://127.0.0.1:${tlsPort}` });
    expect(created.agent_command).toBe(`bubo agent --server https://127.0.0.1:${tlsPort} --join ${created.token} --ca-fingerprint ${created.ca_fingerprint}`);
    const server_ = ['--server', `https://127.0.0.1:${tlsPort}`];

    // A wrong pin: refused after the handshake, before the token is sent (its use is still there).
    const wrongPin = await failingAgent([...server_, '--join', created.token, '--ca-fingerprint', `sha256:${'ab'.repeat(32)}`, ...baseArgs()]);
    expect(wrongPin).toMatch(/does not present the cluster CA sha256:abab.*nothing was sent/);
    expect((await cli('host', 'join-token', 'ls')).join_tokens[0].uses_left).toBe(1);

    agent = new AgentProcess([...server_, '--join', created.token, '--ca-fingerprint', created.ca_fingerprint, ...baseArgs()], {});
    await agent.start();
    expect(agent.output).toMatch(/joined as host pk1 in group web/);
    const host = (await cli('hosts')).hosts.find((h: { name: string }) => h.name === 'pk1');
    expect(host).toMatchObject({ group: 'web', labels: { rack: 'r7' } });

    // Second use of a one-use token, by another machine; and a revoked token (both at once).
    const revoked = await cli('host', 'join-token', 'create', '--group', 'web', '--uses', '3');
    await cli('host', 'join-token', 'revoke', revoked.id);
    const [used, refused] = await Promise.all([
      failingAgent([...server_, '--join', created.token, '--ca-fingerprint', created.ca_fingerprint, '--state-dir', join(dir, 'agent2'), '--name', 'pk2', '--address', '127.0.0.1']),
      failingAgent([...server_, '--join', revoked.token, '--ca-fingerprint', revoked.ca_fingerprint, '--state-dir', join(dir, 'agent3'), '--name', 'pk3', '--address', '127.0.0.1']),
    ]);
    expect(used).toMatch(/join token .* has been used already/);
    expect(refused).toMatch(/join token .* was revoked/);
    expect((await cli('hosts')).hosts.map((h: { name: string }) => h.name)).toEqual(['pk1']);
  }, 60_000);

  it('restarts without --join on its stored certificate', async () => {
    expect(await agent!.signal('SIGTERM')).toBe(0);
    agent = new AgentProcess(['--server', `https://127.0.0.1:${tlsPort}`, ...baseArgs()], {});
    await agent.start();
    expect(agent.output).not.toMatch(/joined as/);
    const events = await admin.call('listEvents', { query: { host: 'pk1' } });
    expect(events.events.filter((e) => e.kind === 'host.reregistered').length).toBeGreaterThan(0);
  }, 60_000);

  it('its certificate cannot read another host\'s assignments, and stops working once the host is removed', async () => {
    const pki = join(agentDir(), 'pki');
    const [cert, key, ca] = await Promise.all(['host.crt', 'host.key', 'ca.crt'].map((f) => readFile(join(pki, f), 'utf8')));
    const asHost = new ApiClient({ baseUrl: `https://127.0.0.1:${tlsPort}`, fetch: tlsFetch({ ca: ca!, cert: cert!, key: key! }) });
    const other = await admin.call('agentRegister', {
      body: { name: 'other', group: 'web', address: '192.0.2.7', capacity: { cpus: 1, memory_mib: 512, disk_mib: 1024 }, runtimes: [], labels: {}, roles: [] },
    });
    await expect(asHost.call('agentAssignments', { query: { host_id: other.host_id, wait_ms: 0 } })).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    const own = (await admin.call('listHosts')).hosts.find((h) => h.name === 'pk1')!;
    expect((await asHost.call('agentAssignments', { query: { host_id: own.id, wait_ms: 0 } })).instances).toEqual([]);

    // An admin over the TLS listener, trusting the cluster CA file.
    const overTls = await runBubo(['hosts', '--json', '--addr', `https://127.0.0.1:${tlsPort}`, '--ca-file', join(cluster.stateDir, 'pki', 'ca.crt')], { BUBO_TOKEN: env.BUBO_TOKEN! });
    expect(JSON.parse(overTls.stdout).hosts.map((h: { name: string }) => h.name)).toEqual(['other', 'pk1']);

    const removed = await cli('host', 'remove', 'pk1', '--force');
    expect(removed).toMatchObject({ host: 'pk1', removed: true });
    await expect(asHost.call('agentHeartbeat', { body: { host_id: own.id } })).rejects.toMatchObject({ status: 401, message: expect.stringMatching(/belongs to no host/) });
    expect((await cli('hosts')).hosts.map((h: { name: string }) => h.name)).toEqual(['other']);
  }, 60_000);
});
