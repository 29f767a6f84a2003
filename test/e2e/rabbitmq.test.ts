import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api-client.js';
import { retargetImages } from '../../src/up/retarget-images.js';
import { AgentProcess } from '../support/agent-process.js';
import { AmqpClient } from '../support/amqp-client.js';
import { cleanupAgentState } from '../support/cleanup-agent-state.js';
import { type Registry, startRegistry } from '../support/registry.js';
import { runBuboWithInput as bubo } from '../support/run-bubo.js';
import { freePort, ServerProcess, waitFor } from '../support/server-process.js';
import { testImages } from '../support/test-images.js';

const run = promisify(execFile);
const canRun = process.getuid?.() === 0 && existsSync('/usr/lib/rabbitmq/bin/rabbitmq-server');
const PASSWORD = `rmq-${process.pid}-${Date.now()}`;
const EXAMPLE = new URL('../../examples/rabbitmq/rabbitmq.toml', import.meta.url);
const CIDR = '10.227.0.0/16';
const QUEUE = 'orders';
/** What a node logs last when it stops cleanly: its persistent message store is closed. */
const CLEAN_STOP = "msg_store_persistent' is stopped";

/**
 * examples/rabbitmq/rabbitmq.toml as a user would deploy it, through the real product: `bubo
 * server`, `bubo agent` with runc and the `file` volume driver, the CLI, the image built from
 * Debian's rabbitmq-server, and amqplib on the host (test/support/amqp-client.ts) talking to the
 * instance over the bridge as user bubo with the secret password. A durable queue keeps its
 * persistent messages, in order, across a new release (the old node stops cleanly, the new one
 * starts on the same volume, on the same host, as the same node rabbit@localhost).
 */
describe.skipIf(!canRun)('RabbitMQ on a volume keeps a durable queue (container)', () => {
  let dir: string;
  let agentDir: string;
  let registry: Registry;
  let server: ServerProcess;
  let agent: AgentProcess;
  let client: ApiClient;
  let env: Record<string, string>;
  let example: string;
  let beating: NodeJS.Timeout | undefined;
  const bridge = `brq${process.pid % 100000}`;

  const status = (app: string) => client.call('getApp', { params: { namespace: 'default', app } });
  const cli = (...args: string[]) => bubo(args, env);
  const running = (app: string, release?: number) =>
    waitFor(
      `${app}${release ? ` release ${release}` : ''} running`,
      async () => (await status(app)).instances.find((i) => i.state === 'running' && i.desired === 'run' && (release === undefined || i.release === release)),
      120_000,
    ).catch((error) => {
      throw new Error(`${(error as Error).message}; agent: ${agent.output.slice(-3000)}`);
    });
  /** One AMQP connection to `address` for `work`, closed after. */
  const amqp = async <T>(address: string, work: (c: AmqpClient) => Promise<T>, password = PASSWORD): Promise<T> => {
    const c = await AmqpClient.connect({ host: address, port: 5672, user: 'bubo', password });
    try {
      return await work(c);
    } finally {
      await c.close();
    }
  };
  /** The instance's address once RabbitMQ takes AMQP logins there. */
  const serving = async (app: string, release?: number): Promise<{ id: string; address: string; host: string | null }> => {
    const instance = await running(app, release);
    const address = instance.address as string;
    await waitFor(`rabbitmq answering on ${address}`, () => amqp(address, async () => true), 60_000);
    return { id: instance.id, address, host: instance.host };
  };
  const logs = async (app: string, instance: string): Promise<string> => {
    let text = '';
    for await (const line of await client.stream('appLogs', { params: { namespace: 'default', app }, query: { tail: 1000, instance } })) {
      if ('line' in line) text += `${line.line}\n`;
    }
    return text;
  };
  /** Follows one instance's output from now on (until `until` shows up, or the stream ends). */
  const follow = (app: string, instance: string, until: string) => {
    let text = '';
    void (async () => {
      for await (const line of await client.stream('appLogs', { params: { namespace: 'default', app }, query: { follow: 'true', instance } })) {
        if ('line' in line) text += `${line.line}\n`;
        if (text.includes(until)) break;
      }
    })().catch(() => {});
    return () => text;
  };
  /** The example with one more env var: each `generation` is a new release of the same task. */
  const deploy = async (generation: number) => {
    const text = example.replace(
      'env = { RABBITMQ_DEFAULT_PASS_FILE = "/run/secrets/rabbitmq-password" }',
      `env = { RABBITMQ_DEFAULT_PASS_FILE = "/run/secrets/rabbitmq-password", GENERATION = "${generation}" }`,
    );
    expect(text).toContain(`GENERATION = "${generation}"`);
    const file = join(dir, `rabbitmq-${generation}.toml`);
    await writeFile(file, text);
    const deployed = await cli('deploy', file);
    expect(deployed.code, deployed.stderr).toBe(0);
  };
  const agentArgs = () => ['--server', server.url, '--group', 'local', '--name', 'rqh1', '--state-dir', agentDir, '--bridge', bridge, '--address', '127.0.0.1', '--agent-listen', '127.0.0.1:0', '--runtime', 'runc'];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-rabbitmq-'));
    agentDir = join(dir, 'agent');
    registry = await startRegistry();
    const images = await testImages();
    await registry.push(images.rabbitmq.layout, images.rabbitmq.tag, images.rabbitmq.repo);
    example = retargetImages(await readFile(EXAMPLE, 'utf8'), 'rabbitmq.toml', '127.0.0.1:5055', registry.host);
    server = new ServerProcess(join(dir, 'server'), await freePort(), ['--cluster-cidr', CIDR, '--host-ttl', '3s']);
    await server.start();
    const token = (await readFile(join(dir, 'server', 'admin.token'), 'utf8')).trim();
    env = { BUBO_ADDR: server.url, BUBO_TOKEN: token };
    client = new ApiClient({ baseUrl: server.url, token });
    agent = new AgentProcess(agentArgs(), { BUBO_TOKEN: token });
    await agent.start();
    // A second host of the group with room, kept alive by heartbeats but cordoned, so the first
    // placement is on rqh1; uncordoned once the slot's volume is there, to prove the slot stays.
    const registered = await client.call('agentRegister', {
      body: { name: 'rqh2', group: 'local', address: '127.0.0.2', capacity: { cpus: 8, memory_mib: 8192, disk_mib: 65536 }, runtimes: [{ name: 'runc', kind: 'container', available: true }], labels: {}, roles: [] },
    });
    beating = setInterval(() => void client.call('agentHeartbeat', { body: { host_id: registered.host_id } }).catch(() => {}), 500);
    expect((await cli('host', 'cordon', 'rqh2')).code).toBe(0);
    const set = await bubo(['secret', 'set', 'RABBITMQ_DEFAULT_PASS'], env, `${PASSWORD}\n`);
    expect(set.code, set.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    clearInterval(beating);
    await client?.call('destroyApp', { params: { namespace: 'default', app: 'rabbitmq' } }).catch(() => {});
    if (client) await waitFor('the app to be gone', async () => (await client.call('listApps', { query: {} })).apps.length === 0, 60_000).catch(() => {});
    await agent?.signal('SIGTERM');
    await server?.stop();
    await registry?.stop();
    if (agentDir) {
      for (const line of (await readFile('/proc/self/mounts', 'utf8')).split('\n')) {
        const point = line.split(' ')[1];
        if (point?.startsWith(agentDir)) await run('umount', [point]).catch(() => {});
      }
      await cleanupAgentState(agentDir, bridge);
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('creates user bubo with the secret password, and keeps a durable queue with 3 persistent messages across a new release', async () => {
    await deploy(1);
    const first = await serving('rabbitmq', 1);
    expect(first.host).toBe('rqh1');
    await amqp(first.address, async (c) => {
      expect(await c.declareDurableQueue(QUEUE)).toBe(0);
      // Each publish waits for the broker's confirm: the message is on disk before it returns.
      for (const body of ['order-1', 'order-2', 'order-3']) await c.publishPersistent(QUEUE, body);
      expect(await c.messageCount(QUEUE)).toBe(3);
    });
    await expect(amqp(first.address, async () => true, 'wrong')).rejects.toThrow();
    const firstLogs = await logs('rabbitmq', first.id);
    expect(firstLogs).toContain("Created user 'bubo'");
    // The node sizes its memory watermark from the task's 512MiB, not the host's RAM.
    expect(firstLogs).toMatch(/Memory high watermark set to \d+ MiB \(\d+ bytes\) of 512 MiB/);
    expect((await cli('host', 'uncordon', 'rqh2')).code).toBe(0);

    const stopping = follow('rabbitmq', first.id, CLEAN_STOP);
    await deploy(2);
    const second = await serving('rabbitmq', 2);
    expect(second.host).toBe('rqh1');
    expect(second.id).not.toBe(first.id);
    // All three, in order, from the new broker on the same volume.
    const bodies = await amqp(second.address, async (c) => {
      expect(await c.messageCount(QUEUE)).toBe(3);
      return [await c.get(QUEUE), await c.get(QUEUE), await c.get(QUEUE), await c.get(QUEUE)];
    });
    expect(bodies).toEqual(['order-1', 'order-2', 'order-3', undefined]);
    const secondLogs = await logs('rabbitmq', second.id);
    expect(secondLogs).toContain('node rabbit@localhost, data in /var/lib/rabbitmq/mnesia');
    expect(secondLogs).not.toContain("Created user 'bubo'");
    // The old node stopped cleanly within its stop timeout: it closed its message store.
    expect(stopping()).toContain(CLEAN_STOP);
  }, 300_000);
});
