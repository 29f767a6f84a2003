import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { QmpClient, QmpError } from './qmp-client.js';

/** A QMP peer speaking the protocol as QEMU 7.2 does (greeting, then one answer per command). */
async function fakeQmp(handle: (command: { execute: string; id?: string }, socket: Socket) => void, greet = true) {
  const dir = await mkdtemp(join(tmpdir(), 'bubo-qmp-'));
  const path = join(dir, 'qmp.sock');
  const server: Server = createServer((socket) => {
    if (greet) socket.write('{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}}, "capabilities": ["oob"]}}\r\n');
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
        handle(JSON.parse(buffer.slice(0, nl)), socket);
        buffer = buffer.slice(nl + 1);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const close = async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  };
  return { path, close };
}

let peer: Awaited<ReturnType<typeof fakeQmp>> | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

describe('QmpClient', () => {
  it('negotiates capabilities, then answers query-status, ignoring events', async () => {
    const seen: string[] = [];
    peer = await fakeQmp((command, socket) => {
      seen.push(command.execute);
      if (command.execute === 'query-status') socket.write('{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "RESUME"}\r\n');
      const answer = command.execute === 'query-status' ? { status: 'running', singlestep: false, running: true } : {};
      socket.write(`${JSON.stringify({ return: answer, id: command.id })}\r\n`);
    });
    const qmp = await QmpClient.connect(peer.path);
    expect(await qmp.queryStatus()).toMatchObject({ status: 'running', running: true });
    qmp.close();
    expect(seen).toEqual(['qmp_capabilities', 'query-status']);
  });

  it('turns a QMP error into a QmpError with its description', async () => {
    peer = await fakeQmp((command, socket) => {
      const reply = command.execute === 'qmp_capabilities' ? { return: {} } : { error: { class: 'CommandNotFound', desc: "The command nope has not been found" } };
      socket.write(`${JSON.stringify({ ...reply, id: command.id })}\n`);
    });
    const qmp = await QmpClient.connect(peer.path);
    await expect(qmp.execute('nope')).rejects.toThrow(/CommandNotFound: The command nope has not been found/);
    qmp.close();
  });

  it('treats quit as done when QEMU closes the socket instead of answering', async () => {
    peer = await fakeQmp((command, socket) => {
      if (command.execute === 'quit') socket.destroy();
      else socket.write(`${JSON.stringify({ return: {}, id: command.id })}\n`);
    });
    const qmp = await QmpClient.connect(peer.path);
    await expect(qmp.quit()).resolves.toBeUndefined();
  });

  it('gives up on a peer that never greets', async () => {
    peer = await fakeQmp(() => {}, false);
    await expect(QmpClient.connect(peer.path, 200)).rejects.toThrow(new QmpError('QMP greeting got no answer in 200 ms'));
  });

  it('fails clearly when nothing listens on the socket', async () => {
    await expect(QmpClient.connect('/nonexistent/qmp.sock', 200)).rejects.toThrow(/QMP connection failed: .*ENOENT/);
  });
});
