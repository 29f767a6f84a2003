import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeRuntime } from '../runtimes/fake/fake-runtime.js';
import type { Runtime } from '../runtimes/runtime.js';
import type { CheckSpec, TaskSpec } from '../domain/task-spec.js';
import { checkPort, probeCheck } from './probe-check.js';
import { outputTail, probeExec } from './probe-exec.js';
import { MAX_BODY_BYTES, probeHttp } from './probe-http.js';
import { probeTcp } from './probe-tcp.js';

const never = new AbortController().signal;
const http = (path: string | null, expect: string | null = null, timeout_ms = 500) => ({ path, expect, timeout_ms });

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('probeHttp against a real loopback server', () => {
  let server: Server;
  let port: number;
  const connections: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      connections.push(String(req.headers.connection));
      if (req.url === '/ok') res.end('all ok\n');
      else if (req.url === '/down') res.writeHead(503).end('down');
      else if (req.url === '/moved') res.writeHead(302, { location: '/ok' }).end();
      else if (req.url === '/big') res.end(`${'x'.repeat(MAX_BODY_BYTES)}needle`);
      else if (req.url === '/slow') setTimeout(() => res.end('late ok'), 1000);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    ['passes on 200', '/ok', null, true, (p: number) => `HTTP 200 from http://127.0.0.1:${p}/ok`],
    ['passes when the body contains expect', '/ok', 'ok', true, (p: number) => `HTTP 200 from http://127.0.0.1:${p}/ok`],
    ['fails when the body lacks expect', '/ok', 'ready', false, (p: number) => `HTTP 200 from http://127.0.0.1:${p}/ok: body does not contain "ready"`],
    ['fails on 503', '/down', null, false, (p: number) => `HTTP 503 from http://127.0.0.1:${p}/down`],
    ['fails on 404', '/nope', null, false, (p: number) => `HTTP 404 from http://127.0.0.1:${p}/nope`],
    ['passes on a redirect without following it', '/moved', null, true, (p: number) => `HTTP 302 from http://127.0.0.1:${p}/moved`],
    [
      'looks for expect only in the first 64 KiB',
      '/big',
      'needle',
      false,
      (p: number) => `HTTP 200 from http://127.0.0.1:${p}/big: body does not contain "needle" (in its first 64 KiB)`,
    ],
  ])('%s', async (_name, path, expected, ok, message) => {
    expect(await probeHttp('127.0.0.1', port, http(path, expected), never)).toEqual({ ok, message: message(port) });
  });

  it('asks for a fresh connection each time and defaults the path to /', async () => {
    connections.length = 0;
    expect(await probeHttp('127.0.0.1', port, http(null), never)).toEqual({ ok: false, message: `HTTP 404 from http://127.0.0.1:${port}/` });
    expect(connections).toEqual(['close']);
  });

  it('fails after the timeout', async () => {
    const before = Date.now();
    expect(await probeHttp('127.0.0.1', port, http('/slow', null, 100), never)).toEqual({ ok: false, message: `http://127.0.0.1:${port}/slow: timeout after 100ms` });
    expect(Date.now() - before).toBeLessThan(900);
  });

  it('says when the connection is refused', async () => {
    const free = await closedPort();
    expect(await probeHttp('127.0.0.1', free, http('/health'), never)).toEqual({ ok: false, message: `http://127.0.0.1:${free}/health: connection refused` });
  });

  it('stops when its signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect(await probeHttp('127.0.0.1', port, http('/slow', null, 5000), controller.signal)).toEqual({ ok: false, message: `http://127.0.0.1:${port}/slow: check cancelled` });
  });
});

describe('probeTcp', () => {
  it('passes when a connection opens and fails when it is refused', async () => {
    const server = createTcpServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    expect(await probeTcp('127.0.0.1', port, 500, never)).toEqual({ ok: true, message: `connected to 127.0.0.1:${port}` });
    await new Promise((resolve) => server.close(resolve));
    expect(await probeTcp('127.0.0.1', port, 500, never)).toEqual({ ok: false, message: `tcp 127.0.0.1:${port}: connection refused` });
  });
});

describe('probeExec', () => {
  it('passes on exit 0 and fails with the exit code and the end of the output', async () => {
    const runtime = new FakeRuntime();
    const { id } = await runtime.start({ id: 'i1', app: 'a', namespace: 'default', release: 1, slot: 0, spec: {} as TaskSpec, secrets: {} });
    expect(await probeExec(runtime, id, ['pg_isready'], 500, never)).toEqual({ ok: true, message: 'exec pg_isready: exit 0' });
    runtime.setExec(id, { exitCode: 3, output: 'starting\nno connection\n' });
    expect(await probeExec(runtime, id, ['sh', '-c', 'exit 3'], 500, never)).toEqual({ ok: false, message: 'exec sh -c "exit 3": exit 3: starting | no connection' });
    expect(runtime.execCalls.map((c) => c.argv)).toEqual([['pg_isready'], ['sh', '-c', 'exit 3']]);
  });

  it('fails with exit 124 when the command outlives the timeout', async () => {
    const runtime = new FakeRuntime();
    await runtime.start({ id: 'i1', app: 'a', namespace: 'default', release: 1, slot: 0, spec: {} as TaskSpec, secrets: {} });
    runtime.setExec('i1', () => new Promise((resolve) => setTimeout(() => resolve({ exitCode: 0, output: '' }), 500)));
    expect(await probeExec(runtime, 'i1', ['slow'], 50, never)).toEqual({ ok: false, message: 'exec slow: exit 124: timed out after 50 ms' });
  });

  it('fails with the reason when the instance is gone', async () => {
    expect(await probeExec(new FakeRuntime(), 'gone', ['true'], 500, never)).toEqual({ ok: false, message: 'exec true: Cannot exec in instance gone: it is not running' });
  });

  it('fails when the runtime cannot exec', async () => {
    const runtime = { name: 'plain' } as Runtime;
    expect(await probeExec(runtime, 'i1', ['true'], 500, never)).toEqual({ ok: false, message: 'runtime plain cannot run exec checks' });
  });

  it('keeps only the end of long output', () => {
    const tail = outputTail(`${'a'.repeat(1000)}END`);
    expect(tail).toHaveLength(501);
    expect(tail.endsWith('aEND')).toBe(true);
  });
});

describe('probeCheck', () => {
  const check = (over: Partial<CheckSpec>): CheckSpec => ({
    kind: 'http',
    port: 'web',
    path: '/',
    expect: null,
    command: null,
    interval_ms: 1000,
    timeout_ms: 200,
    healthy_threshold: 1,
    unhealthy_threshold: 1,
    grace_period_ms: 0,
    ...over,
  });
  const spec = { ports: [{ name: 'web', port: 8080, protocol: 'http', public: null }] } as unknown as TaskSpec;

  it.each([
    ['a declared port', check({}), 8080],
    ['an undeclared port', check({ port: 'admin' }), 'the http check names port "admin", which [[ports]] does not declare'],
    ['no port', check({ kind: 'tcp', port: null }), 'the tcp check names no port'],
  ])('resolves %s', (_name, c, expected) => {
    expect(checkPort(spec, c)).toBe(expected);
  });

  it('fails an http check of an instance without an address', async () => {
    expect(await probeCheck({ id: 'i1', address: null, spec, runtime: new FakeRuntime() }, check({}), never)).toEqual({
      ok: false,
      message: 'instance i1 has no address to check',
    });
  });

  it('dispatches to the tcp prober with the declared port', async () => {
    const server = createTcpServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const tcpSpec = { ports: [{ name: 'db', port, protocol: 'tcp', public: null }] } as unknown as TaskSpec;
    const result = await probeCheck({ id: 'i1', address: '127.0.0.1', spec: tcpSpec, runtime: new FakeRuntime() }, check({ kind: 'tcp', port: 'db' }), never);
    await new Promise((resolve) => server.close(resolve));
    expect(result).toEqual({ ok: true, message: `connected to 127.0.0.1:${port}` });
  });
});
