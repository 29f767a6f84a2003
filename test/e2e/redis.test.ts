import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/server-process.js';
import { StatefulAppHarness } from '../support/stateful-app-harness.js';

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
  const h = new StatefulAppHarness({
    prefix: 'bubo-redis-',
    hosts: 'rdh',
    cidr: '10.222.0.0/16',
    bridge: 'brd',
    runtime: 'container',
    agentRuntime: 'runc',
    images: (images) => [images.redis],
    secrets: { REDIS_PASSWORD: PASSWORD },
  });
  let example: string;
  const cli = (...args: string[]) => h.cli(...args);
  const status = (app: string) => h.status(app);
  const running = (app: string, release?: number) => h.running(app, release);
  const stopped = (app: string) => h.stopped(app);
  const logs = (app: string, instance: string) => h.logs(app, instance);
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
    await h.deploy(`redis-${maxmemory}.toml`, text);
  };

  beforeAll(async () => {
    await h.start();
    example = await h.example(EXAMPLE, 'redis.toml');
  }, 300_000);
  afterAll(() => h.stop(), 120_000);

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
