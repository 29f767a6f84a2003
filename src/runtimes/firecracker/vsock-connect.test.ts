import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { connectVsock, VsockConnectError } from './vsock-connect.js';

let dir: string;
let server: Server;
let path: string;

/** Firecracker's side of a host-initiated connection: `CONNECT <port>` → `OK <n>`, then a guest that echoes in upper case. */
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bubo-vsock-'));
  path = join(dir, 'v.sock');
  server = createServer((conn) => {
    let first = true;
    conn.on('data', (data) => {
      const text = data.toString();
      if (first) {
        first = false;
        if (text !== 'CONNECT 1024\n') return conn.destroy();
        conn.write('OK 1073741824\nhello\n');
        return;
      }
      conn.write(text.toUpperCase());
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

test('handshakes, keeps the bytes that came with OK, then carries the stream', async () => {
  const socket = await connectVsock(path, 1024);
  const received: string[] = [];
  socket.on('data', (d: Buffer) => received.push(d.toString()));
  socket.resume();
  socket.write('echo hi\n');
  await new Promise((resolve) => setTimeout(resolve, 100));
  socket.destroy();
  expect(received.join('')).toBe('hello\nECHO HI\n');
});

test('a refused port (Firecracker closes the connection) is a VsockConnectError', async () => {
  await expect(connectVsock(path, 52)).rejects.toBeInstanceOf(VsockConnectError);
  await expect(connectVsock(path, 52)).rejects.toThrow(/port 52: connection closed/);
});

test('a missing socket is a VsockConnectError naming it', async () => {
  await expect(connectVsock(join(dir, 'none.sock'), 1024)).rejects.toThrow(/none\.sock port 1024: .*ENOENT/);
});
