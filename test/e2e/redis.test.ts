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
import { cleanupAgentState } from '../support/cleanup-agent-state.js';
import { type Registry, startRegistry } from '../support/registry.js';
import { runBuboWithInput as bubo } from '../support/run-bubo.js';
import { freePort, ServerProcess, waitFor } from '../support/server-process.js';
import { testImages } from '../support/test-images.js';

const run = promisify(execFile);
const REDIS_CLI = '/usr/bin/redis-cli';
const canRun = process.getuid?.() === 0 && existsSync(REDIS_CLI);
const PASSWORD = `rd-${process.pid}-${Date.now()}`;
const EXAMPLE = new URL('../../examples/redis/redis.toml', import.meta.url);

/**
 * examples/redis/redis.toml as a user would deploy it, through the real product: `bubo server`,
 * `bubo agent` with runc and the `file` volume driver, the CLI, the image built from Debian's
 * redis-server, and the host's redis-cli talking to the instance over the bridge. With its AOF on
 * the volume, the keys survive a new release (in place, on the same host) and a stop and start;
 * the password comes from the secret and a wrong one is refused.
 */
describe.skipIf(!canRun)('Redis with AOF on a volume keeps its keys', () => {
  let dir: string;
  let agentDir: string;
  let registry: Registry;
  let server: ServerProcess;
  let agent: AgentProcess;
  let client: ApiClient;
  let env: Record<string, string>;
  let example: string;
  let beating: NodeJS.Timeout | undefined;
  const bridge = `brd${process.pid % 100000}`;

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
  const stopped = (app: string) =>
    waitFor(`${app} stopped`, async () => (await status(app)).instances.every((i) => ['stopped', 'failed', 'lost'].includes(i.state)), 90_000);
  /** redis-cli from the host to the instance's address, as any client on the network would connect; an error reply rejects (-e). */
  const redis = async (address: string, password: string, ...command: string[]): Promise<string> =>
    (await run(REDIS_CLI, ['-e', '-h', address, '-p', '6379', '-a', password, '--no-auth-warning', ...command], { timeout: 10_000 })).stdout.trimEnd();
  const cmd = (address: string, ...command: string[]) => redis(address, PASSWORD, ...command);
  /** The instance's address once Redis answers there and its health check passes. */
  const serving = async (app: string, release?: number): Promise<{ id: string; address: string; host: string | null }> => {
    const instance = await running(app, release);
    const address = instance.address as string;
    await waitFor(`redis answering on ${address}`, async () => (await cmd(address, 'PING')) === 'PONG', 60_000);
    // The example's exec check (AUTH and PING with busybox nc, inside the instance) passes too.
    let message = '';
    await waitFor(
      `${instance.id} healthy`,
      async () => {
        const now = (await status(app)).instances.find((i) => i.id === instance.id);
        message = now?.health_message ?? '';
        return now?.health === 'healthy';
      },
      30_000,
    ).catch((error) => {
      throw new Error(`${(error as Error).message}; last check: ${message}`);
    });
    return { id: instance.id, address, host: instance.host };
  };
  const logs = async (app: string, instance: string): Promise<string> => {
    let text = '';
    for await (const line of await client.stream('appLogs', { params: { namespace: 'default', app }, query: { tail: 200, instance } })) {
      if ('line' in line) text += `${line.line}\n`;
      else text += `error: ${line.error}\n`;
    }
    return text;
  };
  /** What the test wrote: two strings and a list. */
  const data = async (address: string) => ({
    greeting: await cmd(address, 'GET', 'greeting'),
    counter: await cmd(address, 'GET', 'counter'),
    list: (await cmd(address, 'LRANGE', 'events', '0', '-1')).split('\n').filter(Boolean),
  });
  /** The example with Redis's `maxmemory` set to `maxmemory` (a new release each time it changes). */
  const deploy = async (maxmemory: string) => {
    const text = example.replace('\nmaxmemory 128mb\n', `\nmaxmemory ${maxmemory}\n`);
    expect(text).toContain(`maxmemory ${maxmemory}`);
    const file = join(dir, `redis-${maxmemory}.toml`);
    await writeFile(file, text);
    const deployed = await cli('deploy', file);
    expect(deployed.code, deployed.stderr).toBe(0);
  };
  const agentArgs = () => ['--server', server.url, '--group', 'local', '--name', 'rdh1', '--state-dir', agentDir, '--bridge', bridge, '--address', '127.0.0.1', '--agent-listen', '127.0.0.1:0', '--runtime', 'runc'];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-redis-'));
    agentDir = join(dir, 'agent');
    registry = await startRegistry();
    const images = await testImages();
    await registry.push(images.redis.layout, images.redis.tag, images.redis.repo);
    example = retargetImages(await readFile(EXAMPLE, 'utf8'), 'redis.toml', '127.0.0.1:5055', registry.host);
    server = new ServerProcess(join(dir, 'server'), await freePort(), ['--cluster-cidr', '10.222.0.0/16', '--host-ttl', '3s']);
    await server.start();
    const token = (await readFile(join(dir, 'server', 'admin.token'), 'utf8')).trim();
    env = { BUBO_ADDR: server.url, BUBO_TOKEN: token };
    client = new ApiClient({ baseUrl: server.url, token });
    agent = new AgentProcess(agentArgs(), { BUBO_TOKEN: token });
    await agent.start();
    // A second host of the group with room, kept alive by heartbeats but cordoned, so the first
    // placement is on rdh1; uncordoned once the slot's volume is there, to prove it stays.
    const registered = await client.call('agentRegister', {
      body: { name: 'rdh2', group: 'local', address: '127.0.0.2', capacity: { cpus: 8, memory_mib: 8192, disk_mib: 65536 }, runtimes: [{ name: 'runc', kind: 'container', available: true }], labels: {}, roles: [] },
    });
    beating = setInterval(() => void client.call('agentHeartbeat', { body: { host_id: registered.host_id } }).catch(() => {}), 500);
    expect((await cli('host', 'cordon', 'rdh2')).code).toBe(0);
    const set = await bubo(['secret', 'set', 'REDIS_PASSWORD'], env, `${PASSWORD}\n`);
    expect(set.code, set.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    clearInterval(beating);
    await client?.call('destroyApp', { params: { namespace: 'default', app: 'redis' } }).catch(() => {});
    if (client) await waitFor('the apps to be gone', async () => (await client.call('listApps', { query: {} })).apps.length === 0, 60_000).catch(() => {});
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

  it('takes the password from the secret, and keeps the keys across a new release on the same host', async () => {
    await deploy('128mb');
    const first = await serving('redis', 1);
    expect(first.host).toBe('rdh1');
    expect(await cmd(first.address, 'CONFIG', 'GET', 'appendonly')).toBe('appendonly\nyes');
    expect(await cmd(first.address, 'CONFIG', 'GET', 'appendfsync')).toBe('appendfsync\neverysec');
    expect(await cmd(first.address, 'CONFIG', 'GET', 'dir')).toBe('dir\n/data');
    // A wrong password, and none at all, are refused.
    await expect(redis(first.address, 'wrong', 'PING')).rejects.toThrow(/WRONGPASS|NOAUTH/);
    await expect(run(REDIS_CLI, ['-e', '-h', first.address, 'GET', 'greeting'], { timeout: 10_000 })).rejects.toThrow('NOAUTH');

    expect(await cmd(first.address, 'SET', 'greeting', 'hello from release 1')).toBe('OK');
    expect(await cmd(first.address, 'INCRBY', 'counter', '41')).toBe('41');
    expect(await cmd(first.address, 'RPUSH', 'events', 'created', 'deployed')).toBe('2');
    expect((await cli('host', 'uncordon', 'rdh2')).code).toBe(0);

    // No sleep for appendfsync: the old instance fsyncs its AOF on SIGTERM.
    await deploy('64mb');
    const second = await serving('redis', 2);
    expect(second.id).not.toBe(first.id);
    expect(second.host).toBe('rdh1');
    expect(await cmd(second.address, 'CONFIG', 'GET', 'maxmemory')).toBe(`maxmemory\n${64 * 1024 * 1024}`);
    expect(await cmd(second.address, 'CONFIG', 'GET', 'appendonly')).toBe('appendonly\nyes');
    expect(await data(second.address)).toEqual({ greeting: 'hello from release 1', counter: '41', list: ['created', 'deployed'] });
    // The new instance loaded the AOF the old one left, rather than starting empty.
    expect(await logs('redis', second.id)).toContain('DB loaded from append only file');
    expect(await cmd(second.address, 'INCR', 'counter')).toBe('42');
    expect(await cmd(second.address, 'RPUSH', 'events', 'redeployed')).toBe('3');
  }, 300_000);

  it('keeps the keys across stop and start, the last write included', async () => {
    const before = await serving('redis', 2);
    expect(await cmd(before.address, 'SET', 'last', 'just before the stop')).toBe('OK');
    // Redis exits on SIGTERM (an fsync of the AOF, then exit), well within its 30 s stop timeout:
    // a SIGKILL would only come after it. (Its shutdown lines cannot be read here: the instance's
    // output goes with it when it stops, and `logs --follow` misses what the last poll had not read.)
    const stopping = Date.now();
    expect((await cli('stop', 'redis')).code).toBe(0);
    await stopped('redis');
    expect(Date.now() - stopping).toBeLessThan(20_000);

    expect((await cli('scale', 'redis', '1')).code).toBe(0);
    const started = await serving('redis');
    expect(started.id).not.toBe(before.id);
    expect(started.host).toBe('rdh1');
    expect(await data(started.address)).toEqual({ greeting: 'hello from release 1', counter: '42', list: ['created', 'deployed', 'redeployed'] });
    expect(await cmd(started.address, 'GET', 'last')).toBe('just before the stop');
    expect(await logs('redis', started.id)).toContain('DB loaded from append only file');
    expect(await cmd(started.address, 'CONFIG', 'GET', 'appendonly')).toBe('appendonly\nyes');
  }, 300_000);
});
