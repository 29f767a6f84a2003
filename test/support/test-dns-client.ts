import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { promisify } from 'node:util';
import dnsPacket from 'dns-packet';
import { frameMessage, TcpFrameReader } from '../../src/dns/tcp-frames.js';

/** Test helpers: real DNS clients (dig, raw sockets) and a tiny upstream server. Not used by the agent. */

const run = promisify(execFile);

export interface DigResult {
  status: string;
  flags: string[];
  /** Records with whitespace collapsed, e.g. `shop.default.bubo.internal. 5 IN A 10.88.1.2`. */
  answer: string[];
  authority: string[];
  additional: string[];
}

export async function hasDig(): Promise<boolean> {
  return run('dig', ['-v']).then(
    () => true,
    () => false,
  );
}

/** Runs `dig @address -p port …args` once (no retries) and reads its sections. */
export async function dig(server: { address: string; port: number }, args: string[]): Promise<DigResult> {
  const { stdout } = await run('dig', [`@${server.address}`, '-p', String(server.port), '+time=3', '+tries=1', ...args]);
  const status = /status: (\w+)/.exec(stdout)?.[1] ?? `(no status in dig output: ${stdout})`;
  const flags = (/;; flags: ([a-z ]*);/.exec(stdout)?.[1] ?? '').split(' ').filter(Boolean);
  return { status, flags, answer: section(stdout, 'ANSWER'), authority: section(stdout, 'AUTHORITY'), additional: section(stdout, 'ADDITIONAL') };
}

function section(output: string, name: string): string[] {
  const lines = output.split('\n');
  const start = lines.indexOf(`;; ${name} SECTION:`);
  if (start < 0) return [];
  const records: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    records.push(line.trim().split(/\s+/).join(' '));
  }
  return records;
}

/** Sends raw bytes over UDP and waits for one datagram back; null after `timeoutMs`. */
export function sendUdp(server: { address: string; port: number }, message: Buffer, timeoutMs = 1_000): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(null);
    }, timeoutMs);
    socket.on('message', (answer) => {
      clearTimeout(timer);
      socket.close();
      resolve(answer);
    });
    socket.send(message, server.port, server.address);
  });
}

/** Writes `bytes` on one TCP connection and collects `count` framed answers. */
export function sendTcp(server: { address: string; port: number }, bytes: Buffer, count: number): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: server.address, port: server.port });
    const reader = new TcpFrameReader();
    const answers: Buffer[] = [];
    socket.on('error', reject);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => {
      answers.push(...reader.push(chunk));
      if (answers.length >= count) {
        socket.destroy();
        resolve(answers);
      }
    });
  });
}

export interface FakeUpstream {
  address: { address: string; port: number };
  /** Transport of each query received, in order. */
  received: ('udp' | 'tcp')[];
  close(): Promise<void>;
}

/**
 * A DNS server on 127.0.0.1 (UDP and TCP, one port) that knows `records` (name → IPv4) and
 * answers NXDOMAIN for everything else: what "the host's resolver" is in tests.
 */
export async function startFakeUpstream(records: Record<string, string>): Promise<FakeUpstream> {
  const received: ('udp' | 'tcp')[] = [];
  const answer = (raw: Buffer): Buffer => {
    const query = dnsPacket.decode(raw);
    const question = query.questions?.[0];
    const address = question && question.type === 'A' ? records[question.name.toLowerCase()] : undefined;
    return dnsPacket.encode({
      type: 'response',
      id: query.id ?? 0,
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (address === undefined ? 3 : 0),
      questions: query.questions ?? [],
      answers: address === undefined || !question ? [] : [{ type: 'A', name: question.name, ttl: 300, data: address }],
    });
  };
  const udp = dgram.createSocket('udp4');
  udp.on('message', (message, remote) => {
    received.push('udp');
    udp.send(answer(message), remote.port, remote.address);
  });
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
  const port = udp.address().port;
  const tcp = net.createServer((socket) => {
    const reader = new TcpFrameReader();
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      for (const message of reader.push(chunk)) {
        received.push('tcp');
        socket.write(frameMessage(answer(message)));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(port, '127.0.0.1', resolve);
  });
  return {
    address: { address: '127.0.0.1', port },
    received,
    close: async () => {
      udp.close();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}

/** A loopback port where nothing listens (UDP nor TCP) right now. */
export async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
