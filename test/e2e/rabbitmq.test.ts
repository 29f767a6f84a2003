import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmqpClient } from '../support/amqp-client.js';
import { waitFor } from '../support/server-process.js';
import { StatefulAppHarness } from '../support/stateful-app-harness.js';

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
  const h = new StatefulAppHarness({
    prefix: 'bubo-rabbitmq-',
    hosts: 'rqh',
    cidr: CIDR,
    bridge: 'brq',
    runtime: 'container',
    agentRuntime: 'runc',
    images: (images) => [images.rabbitmq],
    secrets: { RABBITMQ_DEFAULT_PASS: PASSWORD },
  });
  let example: string;
  const cli = (...args: string[]) => h.cli(...args);
  const running = (app: string, release?: number) => h.running(app, release);
  const logs = (app: string, instance: string) => h.logs(app, instance, 1000);
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
  /** Follows one instance's output from now on (until `until` shows up, or the stream ends). */
  const follow = (app: string, instance: string, until: string) => {
    let text = '';
    void (async () => {
      for await (const line of await h.client.stream('appLogs', { params: { namespace: 'default', app }, query: { follow: 'true', instance } })) {
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
    await h.deploy(`rabbitmq-${generation}.toml`, text);
  };

  beforeAll(async () => {
    await h.start();
    example = await h.example(EXAMPLE, 'rabbitmq.toml');
  }, 300_000);
  afterAll(() => h.stop(), 120_000);

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
