import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlChannelError, ControlClient } from './control-client.js';
import { decodeField, encodeField } from './control-protocol.js';

/** A stand-in for the guest agent: answers each request line with `answer(line)` (or not at all). */
async function fakeGuest(answer: (fields: string[], socket: Socket) => void): Promise<{ path: string; server: Server; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'bubo-ctl-'));
  const path = join(dir, 'ctl.sock');
  const server = createServer((socket) => {
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        answer(buffer.slice(0, nl).split(' '), socket);
        buffer = buffer.slice(nl + 1);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { path, server, dir };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(answer: (fields: string[], socket: Socket) => void) {
  const guest = await fakeGuest(answer);
  const client = await ControlClient.connect(guest.path, { timeoutMs: 2000 });
  cleanups.push(async () => {
    client.close();
    await new Promise((resolve) => guest.server.close(resolve));
    await rm(guest.dir, { recursive: true, force: true });
  });
  return client;
}

describe('ControlClient', () => {
  it('matches replies to requests by id, whatever their order, and decodes output', async () => {
    const held: string[][] = [];
    const client = await setup((fields, socket) => {
      held.push(fields);
      if (held.length < 2) return;
      // Answer the second request first, in one chunk with noise around it.
      const [second, first] = [held[1] as string[], held[0] as string[]];
      const out = (f: string[]) => `${f[0]} exit 0 ${encodeField(`${f.slice(4).map(decodeField).join(' ')}\n`)}\n`;
      socket.write(`console noise\n${out(second)}${out(first).slice(0, 5)}`);
      setTimeout(() => socket.write(out(first).slice(5)), 10);
    });
    const [a, b] = await Promise.all([client.exec('web', ['echo', 'one'], 1000), client.exec(null, ['echo', 'two\nlines'], 1000)]);
    expect(a).toEqual({ exitCode: 0, output: 'echo one\n' });
    expect(b).toEqual({ exitCode: 0, output: 'echo two\nlines\n' });
  });

  it('turns an err reply into a ControlChannelError with the guest message', async () => {
    const client = await setup(([id], socket) => socket.write(`${id} err ${encodeField('no container named x')}\n`));
    await expect(client.exec('x', ['true'], 1000)).rejects.toThrow(new ControlChannelError('no container named x'));
  });

  it('rejects pending requests when the connection closes', async () => {
    const client = await setup((_fields, socket) => socket.destroy());
    await expect(client.ping()).rejects.toThrow(/control channel closed/);
    await expect(client.ping()).rejects.toThrow(/control channel closed/);
  });

  it('gives up connecting to a socket that never appears', async () => {
    await expect(ControlClient.connect('/nonexistent/ctl.sock', { timeoutMs: 200 })).rejects.toThrow(/cannot connect to the control socket \/nonexistent\/ctl.sock/);
  });
});
