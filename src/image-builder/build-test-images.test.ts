import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cmd } from '../exec/command.js';
import { runCommand } from '../exec/run-command.js';
import { AmqpClient } from '../../test/support/amqp-client.js';
import { startRegistry } from '../../test/support/registry.js';
import { freePort, waitFor } from '../../test/support/server-process.js';
import { pushTestImages } from '../../test/support/test-images.js';
import { buildTestImages, type TestImage, type TestImages } from './build-test-images.js';
import { umoci } from './umoci-commands.js';
import { parseTaskFile } from '../taskfile/parse-task-file.js';

const TOOLS = ['/usr/bin/umoci', '/usr/bin/skopeo', '/usr/bin/docker-registry', '/bin/busybox', '/usr/bin/redis-server', '/usr/lib/postgresql/15/bin/postgres', '/usr/lib/rabbitmq/bin/rabbitmq-server', '/usr/sbin/chroot'];
const missing = TOOLS.filter((tool) => !existsSync(tool));
const isRoot = process.getuid?.() === 0;
if (missing.length > 0 || !isRoot) {
  console.warn(`skipping test-images build tests: ${!isRoot ? 'umoci unpack and chroot need root' : `missing ${missing.join(', ')}`}`);
}

describe.skipIf(missing.length > 0 || !isRoot)('test images', { timeout: 60_000 }, () => {
  let work: string;
  let images: TestImages;
  let buildMs: number;
  const children: ChildProcess[] = [];
  let bundles = 0;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'bubo-test-images-'));
    const started = Date.now();
    images = await buildTestImages({ cacheDir: join(work, 'cache') });
    buildMs = Date.now() - started;
  }, 60_000);

  afterAll(async () => {
    for (const child of children) await stopChild(child);
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** Unpacks an image as a runtime would and returns its rootfs and `process` from config.json. */
  async function unpack(image: TestImage): Promise<{ rootfs: string; args: string[]; env: Record<string, string> }> {
    const bundle = join(work, `bundle-${++bundles}`);
    await runCommand(umoci.unpack(image.layout, image.tag, bundle));
    const config = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8')) as { process: { args: string[]; env: string[] } };
    const env = Object.fromEntries(config.process.env.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
    return { rootfs: join(bundle, 'rootfs'), args: config.process.args, env };
  }

  /** Runs argv inside `rootfs` with only `env`, like a container without namespaces. */
  function startChrooted(rootfs: string, argv: string[], env: Record<string, string>): ChildProcess & { output: () => string } {
    const child = spawn('/usr/sbin/chroot', [rootfs, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    children.push(child);
    return Object.assign(child, { output: () => output });
  }

  async function startRedis(): Promise<{ port: number; child: ChildProcess }> {
    const redis = await unpack(images.redis);
    const port = await freePort();
    // The image's own argv, with loopback overrides appended (later flags win in Redis).
    const child = startChrooted(redis.rootfs, [...redis.args, '--port', String(port), '--bind', '127.0.0.1'], redis.env);
    await waitFor(`redis from the image on port ${port} (${child.output()})`, async () => (await resp(port, 'PING\r\n')).startsWith('+PONG'), 10_000);
    return { port, child };
  }

  it('builds the six images into <cacheDir>/<key> with a summary', async () => {
    expect(images.built).toBe(true);
    expect(images.dir).toBe(join(work, 'cache', images.key));
    expect(images.key).toMatch(/^[0-9a-f]{16}$/);
    const summary = JSON.parse(await readFile(join(images.dir, 'images.json'), 'utf8')) as { images: { name: string; tag: string }[] };
    expect(summary.images.map((i) => `${i.name}:${i.tag}`)).toEqual(['busybox-httpd:1', 'busybox-httpd:2', 'redis:7', 'demo-web:1', 'postgres:15', 'rabbitmq:3']);
    console.info(`test images built in ${buildMs} ms`);
  });

  it('reuses the cache on a second call without rebuilding', async () => {
    const started = Date.now();
    const again = await buildTestImages({ cacheDir: join(work, 'cache') });
    expect(again.built).toBe(false);
    expect(again.dir).toBe(images.dir);
    expect(Date.now() - started).toBeLessThan(Math.max(2000, buildMs));
  });

  it.each([
    ['httpdV1', '1'],
    ['httpdV2', '2'],
  ] as const)('%s serves its version and hostname on / and ok on /healthz from its entrypoint', async (name, version) => {
    const httpd = await unpack(images[name]);
    expect(httpd.args).toEqual(['/bin/entry.sh']);
    expect(httpd.env['VERSION']).toBe(version);
    const port = await freePort();
    const child = startChrooted(httpd.rootfs, httpd.args, { ...httpd.env, PORT: `127.0.0.1:${port}`, HOSTNAME: 'web-7' });
    const index = await waitFor(`httpd on ${port} (${child.output()})`, () => httpGet(`http://127.0.0.1:${port}/`));
    expect(index).toContain(`v${version}`);
    expect(index).toContain('hostname web-7');
    expect(await httpGet(`http://127.0.0.1:${port}/healthz`)).toBe('ok\n');
    await stopChild(child);
  });

  it('redis:7 runs from its rootfs alone, answers PING and saves no snapshots', async () => {
    const { port, child } = await startRedis();
    expect(await resp(port, 'PING\r\n')).toBe('+PONG\r\n');
    expect(await resp(port, 'CONFIG GET save\r\n')).toBe('*2\r\n$4\r\nsave\r\n$0\r\n\r\n');
    await stopChild(child);
  });

  it('demo-web counts page views in the redis image and fails with 503 without it', async () => {
    const redis = await startRedis();
    const web = await unpack(images.demoWeb);
    const port = await freePort();
    const env = { ...web.env, PORT: `127.0.0.1:${port}`, HOSTNAME: 'web-1', REDIS_HOST: '127.0.0.1', REDIS_PORT: String(redis.port) };
    const child = startChrooted(web.rootfs, web.args, env);
    await waitFor(`demo-web on ${port} (${child.output()})`, () => httpGet(`http://127.0.0.1:${port}/healthz`));
    expect(await httpGet(`http://127.0.0.1:${port}/`)).toContain('Hello from bubo — this page was viewed 1 times (instance web-1)');
    expect(await httpGet(`http://127.0.0.1:${port}/cgi-bin/index`)).toContain('viewed 2 times');
    expect(await resp(redis.port, 'GET hits\r\n')).toBe('$1\r\n2\r\n');

    await stopChild(redis.child);
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain(`no answer from Redis at 127.0.0.1:${redis.port}`);
    await stopChild(child);
  });

  it("runs the demo's redis.toml command with its password from the secret file, and demo-web authenticates with it", async () => {
    const redis = await unpack(images.redis);
    const port = await freePort();
    const password = `pw-${process.pid}-demo`;
    await mkdir(join(redis.rootfs, 'run', 'secrets'), { recursive: true });
    await writeFile(join(redis.rootfs, 'run', 'secrets', 'redis-password'), password, { mode: 0o400 });
    const spec = parseTaskFile(await readFile(new URL('../../examples/demo/redis.toml', import.meta.url), 'utf8'), 'redis.toml');
    const command = (spec.containers[0]?.command ?? []).map((arg) => arg.replace('--port 6379 --bind 0.0.0.0', `--port ${port} --bind 127.0.0.1`));
    const server = startChrooted(redis.rootfs, command, redis.env);
    await waitFor(`redis with a password on ${port} (${server.output()})`, async () => (await resp(port, 'PING\r\n')).startsWith('-NOAUTH'), 10_000);
    expect(await resp(port, `AUTH ${password}\r\nPING\r\n`)).toBe('+OK\r\n+PONG\r\n');
    // Redis is the container's process itself (sh exec'd it), and no command line holds the password.
    expect(await readFile(`/proc/${server.pid}/cmdline`, 'utf8')).toMatch(/^redis-server /);
    const { stdout: ps } = await runCommand(cmd('ps', '-eo', 'args'));
    expect(ps).not.toContain(password);

    const web = await unpack(images.demoWeb);
    const webPort = await freePort();
    const env = { ...web.env, PORT: `127.0.0.1:${webPort}`, HOSTNAME: 'web-1', REDIS_HOST: '127.0.0.1', REDIS_PORT: String(port) };
    const good = startChrooted(web.rootfs, web.args, { ...env, REDIS_PASSWORD: password });
    await waitFor(`demo-web on ${webPort} (${good.output()})`, () => httpGet(`http://127.0.0.1:${webPort}/healthz`));
    expect(await httpGet(`http://127.0.0.1:${webPort}/`)).toContain('this page was viewed 1 times (instance web-1)');
    await stopChild(good);
    const wrongPort = await freePort();
    const wrong = startChrooted(web.rootfs, web.args, { ...env, PORT: `127.0.0.1:${wrongPort}`, REDIS_PASSWORD: 'not-it' });
    await waitFor(`demo-web on ${wrongPort} (${wrong.output()})`, () => httpGet(`http://127.0.0.1:${wrongPort}/healthz`));
    const res = await fetch(`http://127.0.0.1:${wrongPort}/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('Redis refused the password (the secret REDIS_PASSWORD)');
    await stopChild(wrong);
    await stopChild(server);
  });

  it('postgres:15 creates its cluster on first start with the secret password, keeps the data across a restart, and stops fast on SIGTERM', async () => {
    const pg = await unpack(images.postgres);
    expect(pg.args).toEqual(['/usr/local/bin/postgres-entry.sh']);
    // The one device initdb needs; a runtime provides /dev, a bare chroot has none.
    await mkdir(join(pg.rootfs, 'dev'), { recursive: true });
    await runCommand(cmd('mknod', '-m', '666', join(pg.rootfs, 'dev', 'null'), 'c', '1', '3'));
    await mkdir(join(pg.rootfs, 'run', 'secrets'), { recursive: true });
    await writeFile(join(pg.rootfs, 'run', 'secrets', 'pg'), 'pg-secret-7\n', { mode: 0o400 });
    const port = await freePort();
    const env = { ...pg.env, POSTGRES_PASSWORD_FILE: '/run/secrets/pg' };
    const argv = [...pg.args, '-c', `port=${port}`, '-c', 'listen_addresses=127.0.0.1'];
    const sql = (query: string, password = 'pg-secret-7') =>
      runCommand({ argv: ['/usr/lib/postgresql/15/bin/psql', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-tAc', query], env: { PGPASSWORD: password, PGCONNECT_TIMEOUT: '3' } });

    const first = startChrooted(pg.rootfs, argv, env);
    await waitFor(`postgres on ${port} (${first.output()})`, () => sql('select 1'), 30_000);
    await sql('create table notes (body text); insert into notes values (\'kept\')');
    await expect(sql('select 1', 'wrong')).rejects.toThrow('password authentication failed for user "postgres"');
    await stopChild(first);
    expect(first.exitCode).toBe(0);
    expect(first.output()).toContain('received fast shutdown request');
    expect(first.output()).toContain('creating the cluster in /var/lib/postgresql/data/pgdata');

    const second = startChrooted(pg.rootfs, argv, env);
    await waitFor(`postgres again on ${port} (${second.output()})`, () => sql('select 1'), 30_000);
    expect((await sql('select body from notes')).stdout).toBe('kept\n');
    expect(second.output()).not.toContain('creating the cluster');
    await stopChild(second);
  }, 90_000);

  it('rabbitmq:3 starts as rabbit@localhost with user bubo from the secret file, keeps persistent messages across a restart, answers ping, and stops cleanly on SIGTERM', async () => {
    const rmq = await unpack(images.rabbitmq);
    expect(rmq.args).toEqual(['/usr/local/bin/rabbitmq-entry.sh']);
    expect(rmq.env['RABBITMQ_NODENAME']).toBe('rabbit@localhost');
    // What a runtime provides and a bare chroot lacks: /dev/null, /dev/urandom (the Erlang
    // cookie) and /proc (RabbitMQ's memory monitor reads it and refuses to start without it).
    await mkdir(join(rmq.rootfs, 'dev'), { recursive: true });
    await runCommand(cmd('mknod', '-m', '666', join(rmq.rootfs, 'dev', 'null'), 'c', '1', '3'));
    await runCommand(cmd('mknod', '-m', '666', join(rmq.rootfs, 'dev', 'urandom'), 'c', '1', '9'));
    await mkdir(join(rmq.rootfs, 'proc'), { recursive: true });
    await runCommand(cmd('mount', '-t', 'proc', 'proc', join(rmq.rootfs, 'proc')));
    try {
      await mkdir(join(rmq.rootfs, 'run', 'secrets'), { recursive: true });
      await writeFile(join(rmq.rootfs, 'run', 'secrets', 'rabbitmq'), 'rmq-secret-3', { mode: 0o400 });
      const [amqp, dist, epmd] = [await freePort(), await freePort(), await freePort()];
      // On loopback, with ports of their own: AMQP, Erlang distribution, and epmd (4369 by default).
      const env = {
        ...rmq.env,
        RABBITMQ_DEFAULT_PASS_FILE: '/run/secrets/rabbitmq',
        RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
        RABBITMQ_NODE_PORT: String(amqp),
        RABBITMQ_DIST_PORT: String(dist),
        ERL_EPMD_PORT: String(epmd),
        ERL_EPMD_ADDRESS: '127.0.0.1',
      };
      const login = (password = 'rmq-secret-3') => AmqpClient.connect({ host: '127.0.0.1', port: amqp, user: 'bubo', password });

      const first = startChrooted(rmq.rootfs, rmq.args, env);
      const client = await waitFor(`rabbitmq on ${amqp} (${first.output().slice(-2000)})`, () => login(), 60_000);
      expect(await client.declareDurableQueue('jobs')).toBe(0);
      for (const body of ['one', 'two', 'three']) await client.publishPersistent('jobs', body);
      expect(await client.messageCount('jobs')).toBe(3);
      await client.close();
      await expect(login('wrong')).rejects.toThrow();
      // The CLI tools find the node and the cookie from the image's env alone (and epmd's port).
      const inside = (argv: string[]) => runCommand({ argv: ['/usr/sbin/chroot', rmq.rootfs, ...argv], env: { ...rmq.env, ERL_EPMD_PORT: String(epmd) } });
      expect((await inside(['rabbitmq-diagnostics', '-q', 'ping'])).stdout).toContain('Ping succeeded');
      // examples/rabbitmq's health check, run as the runtime runs it: inside the root, with the image's env.
      const spec = parseTaskFile(await readFile(new URL('../../examples/rabbitmq/rabbitmq.toml', import.meta.url), 'utf8'), 'rabbitmq.toml');
      const check = spec.check?.command ?? [];
      expect(check[0]).toBe('rabbitmq-diagnostics');
      await inside(check);
      const cookie = join(rmq.rootfs, 'var', 'lib', 'rabbitmq', '.erlang.cookie');
      expect((await readFile(cookie, 'utf8')).length).toBe(20);
      await stopChild(first);
      expect(first.exitCode).toBe(0);
      expect(first.output()).toContain("msg_store_persistent' is stopped");
      expect(first.output()).toContain("Created user 'bubo'");
      await killChrooted(rmq.rootfs); // epmd, a daemon that outlives the node (a container's end takes it)

      const second = startChrooted(rmq.rootfs, rmq.args, env);
      const again = await waitFor(`rabbitmq again on ${amqp} (${second.output().slice(-2000)})`, () => login(), 60_000);
      expect(await again.messageCount('jobs')).toBe(3);
      expect([await again.get('jobs'), await again.get('jobs'), await again.get('jobs'), await again.get('jobs')]).toEqual(['one', 'two', 'three', undefined]);
      await again.close();
      expect(second.output()).not.toContain("Created user 'bubo'");
      await stopChild(second);
      expect(second.exitCode).toBe(0);
    } finally {
      await killChrooted(rmq.rootfs);
      await runCommand(cmd('umount', join(rmq.rootfs, 'proc')));
    }
  }, 150_000);

  it('pushes every image to a local registry, where skopeo inspects it', async () => {
    const registry = await startRegistry();
    try {
      const refs = await pushTestImages(registry, images);
      expect(refs).toEqual({
        httpdV1: `${registry.host}/bubo/busybox-httpd:1`,
        httpdV2: `${registry.host}/bubo/busybox-httpd:2`,
        redis: `${registry.host}/bubo/redis:7`,
        demoWeb: `${registry.host}/bubo/demo-web:1`,
      });
      for (const ref of Object.values(refs)) {
        const { stdout } = await runCommand(cmd('skopeo', 'inspect', '--tls-verify=false', `docker://${ref}`));
        const inspected = JSON.parse(stdout) as { Layers: string[]; Env: string[] };
        expect(inspected.Layers).toHaveLength(1);
      }
      const v2 = JSON.parse((await runCommand(cmd('skopeo', 'inspect', '--tls-verify=false', `docker://${refs.httpdV2}`))).stdout) as { Env: string[] };
      expect(v2.Env).toContain('VERSION=2');
    } finally {
      await registry.stop();
    }
  });
});

async function httpGet(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return res.text();
}

/** Sends raw RESP (inline commands) and returns everything Redis answers before QUIT closes it. */
function resp(port: number, commands: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setTimeout(3000, () => socket.destroy(new Error(`no answer from redis on ${port}`)));
    socket.on('data', (d: Buffer) => (data += d));
    socket.on('error', reject);
    socket.on('close', () => resolve(data.replace(/\+OK\r\n$/, '')));
    socket.end(`${commands}QUIT\r\n`);
  });
}

/** SIGKILLs what still runs with `rootfs` as its root (what this test started there). */
async function killChrooted(rootfs: string): Promise<void> {
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const root = await readlink(`/proc/${pid}/root`).catch(() => '');
    if (root === rootfs) process.kill(Number(pid), 'SIGKILL');
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
