import dgram from 'node:dgram';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { DnsRcode } from './dns-rcode.js';
import { encodeReply } from './encode-reply.js';
import { replyTo } from './reply-to.js';
import { frameMessage, TcpFrameReader } from './tcp-frames.js';
import { parseResolvConf, type UpstreamAddress } from './upstream-address.js';

export interface ForwarderOptions {
  /** Servers to ask, in order. Empty: every forwarded query answers SERVFAIL. */
  upstreams: readonly UpstreamAddress[];
  /** How long one upstream may take, in milliseconds; default 2 000. */
  timeoutMs?: number;
  /** Forwarded queries in flight at most; more answer SERVFAIL at once. Default 512. */
  maxInFlight?: number;
  /** Called when an upstream starts failing and when it answers again (not per query). */
  log?: (line: string) => void;
}

/**
 * Sends queries for names outside the zone to the host's resolvers and returns their raw
 * answer: UDP for UDP clients, TCP for TCP clients. An upstream that does not answer within the
 * timeout is retried once on the next one (the same one when there is only one); when both fail
 * the answer is SERVFAIL. Never rejects.
 */
export class Forwarder {
  readonly upstreams: readonly UpstreamAddress[];
  readonly #timeoutMs: number;
  readonly #maxInFlight: number;
  readonly #log: (line: string) => void;
  readonly #failing = new Set<string>();
  #inFlight = 0;

  constructor(options: ForwarderOptions) {
    this.upstreams = options.upstreams;
    this.#timeoutMs = options.timeoutMs ?? 2_000;
    this.#maxInFlight = options.maxInFlight ?? 512;
    this.#log = options.log ?? (() => {});
  }

  async forward(raw: Buffer, query: dnsPacket.Packet, transport: 'udp' | 'tcp'): Promise<Buffer> {
    const first = this.upstreams[0];
    if (first === undefined || this.#inFlight >= this.#maxInFlight) return servfail(query, transport);
    this.#inFlight++;
    try {
      for (const upstream of [first, this.upstreams[1] ?? first]) {
        const where = formatUpstream(upstream);
        try {
          const exchange = transport === 'udp' ? exchangeUdp : exchangeTcp;
          const answer = await exchange(upstream, raw, query.id ?? 0, this.#timeoutMs);
          if (this.#failing.delete(where)) this.#log(`dns: upstream ${where} answers again`);
          return answer;
        } catch (error) {
          if (!this.#failing.has(where)) this.#log(`dns: upstream ${where} failed: ${(error as Error).message}`);
          this.#failing.add(where);
        }
      }
      return servfail(query, transport);
    } finally {
      this.#inFlight--;
    }
  }
}

/** The `nameserver` lines of `/etc/resolv.conf` (or `path`); none when the file is missing. */
export async function readSystemUpstreams(path = '/etc/resolv.conf'): Promise<UpstreamAddress[]> {
  try {
    return parseResolvConf(await readFile(path, 'utf8'));
  } catch {
    return [];
  }
}

export function formatUpstream(upstream: UpstreamAddress): string {
  return net.isIPv6(upstream.host) ? `[${upstream.host}]:${upstream.port}` : `${upstream.host}:${upstream.port}`;
}

function servfail(query: dnsPacket.Packet, transport: 'udp' | 'tcp'): Buffer {
  return encodeReply(replyTo(query, DnsRcode.SERVFAIL, { authoritative: false }), query, transport);
}

/** Whether `message` decodes as a response with `id` (anything else on the socket is ignored). */
function isReplyTo(message: Buffer, id: number): boolean {
  try {
    const decoded = dnsPacket.decode(message);
    return decoded.type === 'response' && decoded.id === id;
  } catch {
    return false;
  }
}

/** One query over a fresh connected UDP socket (random source port; refused ports fail fast). */
function exchangeUdp(upstream: UpstreamAddress, query: Buffer, id: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(upstream.host) ? 'udp6' : 'udp4');
    let done = false;
    const finish = (error: Error | null, answer?: Buffer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      if (error) reject(error);
      else resolve(answer!);
    };
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (error) => finish(error));
    socket.on('message', (message) => {
      if (isReplyTo(message, id)) finish(null, message);
    });
    socket.connect(upstream.port, upstream.host, () => {
      socket.send(query, (error) => {
        if (error) finish(error);
      });
    });
  });
}

/** One query over a fresh TCP connection, with the 2-byte length prefix of RFC 1035 §4.2.2. */
function exchangeTcp(upstream: UpstreamAddress, query: Buffer, id: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: upstream.host, port: upstream.port });
    const frames = new TcpFrameReader();
    let done = false;
    const finish = (error: Error | null, answer?: Buffer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(answer!);
    };
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.setNoDelay(true);
    socket.on('error', (error) => finish(error));
    socket.on('end', () => finish(new Error('connection closed before the answer')));
    socket.on('connect', () => socket.write(frameMessage(query)));
    socket.on('data', (chunk: Buffer) => {
      const [answer] = frames.push(chunk);
      if (answer === undefined) return;
      if (isReplyTo(answer, id)) finish(null, answer);
      else finish(new Error('answered something other than our query'));
    });
  });
}
