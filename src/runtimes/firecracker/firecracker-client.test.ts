import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { FirecrackerApiError, FirecrackerClient, FirecrackerConnectionError } from './firecracker-client.js';

let dir: string;
let server: Server;
let socket: string;
const seen: { method?: string; url?: string; type?: string; body: string }[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bubo-fc-client-'));
  socket = join(dir, 'api.sock');
  seen.length = 0;
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, type: req.headers['content-type'], body });
      if (req.url === '/') return res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"id":"x","state":"Not started"}');
      if (req.url === '/boot-source') return res.writeHead(400, { 'Content-Type': 'application/json' }).end('{"fault_message":"Invalid kernel path: No such file"}');
      if (req.url === '/broken') return res.writeHead(500).end('oops');
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

test('sends JSON bodies over the unix socket; 204 resolves null, 200 the parsed body', async () => {
  const client = new FirecrackerClient(socket);
  expect(await client.send({ method: 'PUT', path: '/actions', body: { action_type: 'InstanceStart' } })).toBeNull();
  expect(await client.send({ method: 'GET', path: '/' })).toEqual({ id: 'x', state: 'Not started' });
  expect(seen[0]).toEqual({ method: 'PUT', url: '/actions', type: 'application/json', body: '{"action_type":"InstanceStart"}' });
});

test("a 400 becomes a FirecrackerApiError carrying Firecracker's fault_message", async () => {
  const error = await new FirecrackerClient(socket).send({ method: 'PUT', path: '/boot-source', body: {} }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(FirecrackerApiError);
  expect(error).toMatchObject({ status: 400, faultMessage: 'Invalid kernel path: No such file', method: 'PUT', path: '/boot-source' });
  expect((error as Error).message).toBe('Firecracker PUT /boot-source failed (HTTP 400): Invalid kernel path: No such file');
});

test('an answer without fault_message keeps the raw text', async () => {
  await expect(new FirecrackerClient(socket).send({ method: 'GET', path: '/broken' })).rejects.toMatchObject({ status: 500, faultMessage: 'oops' });
});

test('sendAll stops at the first failure', async () => {
  const client = new FirecrackerClient(socket);
  await expect(
    client.sendAll([
      { method: 'PUT', path: '/machine-config', body: {} },
      { method: 'PUT', path: '/boot-source', body: {} },
      { method: 'PUT', path: '/actions', body: {} },
    ]),
  ).rejects.toBeInstanceOf(FirecrackerApiError);
  expect(seen.map((s) => s.url)).toEqual(['/machine-config', '/boot-source']);
});

test('a socket nobody listens on is a FirecrackerConnectionError naming the socket', async () => {
  const missing = join(dir, 'missing.sock');
  const error = await new FirecrackerClient(missing).send({ method: 'GET', path: '/' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(FirecrackerConnectionError);
  expect((error as Error).message).toContain(missing);
});
