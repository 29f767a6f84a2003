import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import type { CatalogResponse } from '../api/catalog.js';
import { answerQuery } from './answer-query.js';
import { buildCatalogSnapshot, type CatalogSnapshot, EMPTY_CATALOG_SNAPSHOT } from './catalog-snapshot.js';
import { DnsRcode } from './dns-rcode.js';
import { encodeReply } from './encode-reply.js';
import { ReplyCache } from './reply-cache.js';
import { Forwarder, formatUpstream, readSystemUpstreams } from './forwarder.js';
import { replyTo } from './reply-to.js';
import { frameMessage, TcpFrameReader } from './tcp-frames.js';
import { parseUpstream } from './upstream-address.js';

export interface DnsServerOptions {
  /** Where to answer, UDP and TCP on the same port: the bridge address and 53 on an agent. */
  listen: { address: string; port: number };
  /** `"ip:port"` servers for names outside the zone; default: `nameserver` lines of resolv.conf. */
  upstreams?: string[];
  /** Default `bubo.internal`. */
  zone?: string;
  /** Seconds; default 5, short because instances come and go. */
  ttl?: number;
  /** Per-upstream timeout in milliseconds; default 2 000. */
  forwardTimeoutMs?: number;
  /** Default `/etc/resolv.conf`; read at `start()` when `upstreams` is not given. */
  resolvConfPath?: string;
  /** A TCP connection idle this long is closed; milliseconds, default 10 000. */
  tcpIdleTimeoutMs?: number;
  log?: (line: string) => void;
}

/** Queries of one TCP connection answered at once at most; beyond this the connection is paused. */
const MAX_PENDING_PER_CONNECTION = 32;

/**
 * The agent's DNS server: answers `<zone>` from the last catalog given to `update()` and
 * forwards every other name (see `answer-query.ts`, `forwarder.ts`). Bad input is dropped or
 * answered FORMERR/SERVFAIL; no query can make it throw.
 */
export class DnsServer {
  readonly #options: DnsServerOptions;
  readonly #log: (line: string) => void;
  #snapshot: CatalogSnapshot = EMPTY_CATALOG_SNAPSHOT;
  /** Replies from the catalog in `#snapshot` (never forwarded ones: upstream answers change). */
  readonly #replies = new ReplyCache();
  #forwarder = new Forwarder({ upstreams: [] });
  #udp: dgram.Socket | null = null;
  #tcp: net.Server | null = null;
  readonly #connections = new Set<net.Socket>();

  constructor(options: DnsServerOptions) {
    this.#options = options;
    this.#log = options.log ?? (() => {});
  }

  /** Replaces the catalog answered from; takes effect for the next query. */
  update(catalog: CatalogResponse): void {
    this.#snapshot = buildCatalogSnapshot(catalog);
    this.#replies.clear();
  }

  /**
   * Binds UDP and TCP. Port 0 picks a free port, the same for both (see `address()`). A failure
   * leaves nothing bound, so `start()` may be called again; its `cause` is the socket error
   * (`code` EADDRINUSE while another process holds the address).
   */
  async start(): Promise<void> {
    if (this.#udp) return;
    const { address, port } = this.#options.listen;
    const upstreams = this.#options.upstreams
      ? this.#options.upstreams.map(parseUpstream)
      : await readSystemUpstreams(this.#options.resolvConfPath);
    // Forwarding to ourselves would loop until every query times out.
    const others = upstreams.filter((u) => !(u.host === address && u.port === (port === 0 ? 53 : port)));
    this.#forwarder = new Forwarder({ upstreams: others, timeoutMs: this.#options.forwardTimeoutMs, log: this.#log });

    for (let attempt = 1; ; attempt++) {
      const udp = await bindUdp(address, port).catch((error: Error) => {
        throw new Error(`Cannot start DNS server on ${address}:${port} (UDP): ${error.message}`, { cause: error });
      });
      const udpPort = udp.address().port;
      try {
        this.#tcp = await listenTcp(address, udpPort, (socket) => this.#onConnection(socket));
      } catch (error) {
        udp.close();
        // With port 0, TCP may find the port UDP chose taken: pick another.
        if (port === 0 && attempt < 5) continue;
        throw new Error(`Cannot start DNS server on ${address}:${udpPort} (TCP): ${(error as Error).message}`, { cause: error });
      }
      udp.on('error', (error) => this.#log(`dns: UDP socket error: ${error.message}`));
      udp.on('message', (message, remote) => this.#onDatagram(udp, message, remote));
      this.#udp = udp;
      break;
    }
    const where = formatUpstream({ host: address, port: this.address().port });
    const to = this.#forwarder.upstreams.map(formatUpstream).join(', ') || 'nowhere (SERVFAIL)';
    this.#log(`dns: answering ${this.#options.zone ?? 'bubo.internal'} on ${where} (UDP, TCP); forwarding to ${to}`);
  }

  /** The bound address; valid after `start()`. */
  address(): { address: string; port: number } {
    const bound = this.#udp?.address();
    if (!bound) throw new Error('DNS server is not started');
    return { address: bound.address, port: bound.port };
  }

  async stop(): Promise<void> {
    const udp = this.#udp;
    const tcp = this.#tcp;
    this.#udp = null;
    this.#tcp = null;
    for (const socket of this.#connections) socket.destroy();
    this.#connections.clear();
    await Promise.all([
      udp ? new Promise<void>((resolve) => udp.close(() => resolve())) : undefined,
      tcp ? new Promise<void>((resolve) => tcp.close(() => resolve())) : undefined,
    ]);
  }

  #onDatagram(udp: dgram.Socket, message: Buffer, remote: dgram.RemoteInfo): void {
    const cached = this.#replies.get(message, 'udp');
    if (cached !== undefined) {
      udp.send(cached, remote.port, remote.address, (error) => {
        if (error) this.#log(`dns: cannot answer ${remote.address}:${remote.port}: ${error.message}`);
      });
      return;
    }
    void this.#respond(message, 'udp').then((reply) => {
      if (reply === null || this.#udp !== udp) return;
      udp.send(reply, remote.port, remote.address, (error) => {
        if (error) this.#log(`dns: cannot answer ${remote.address}:${remote.port}: ${error.message}`);
      });
    });
  }

  #onConnection(socket: net.Socket): void {
    this.#connections.add(socket);
    socket.setNoDelay(true);
    socket.setTimeout(this.#options.tcpIdleTimeoutMs ?? 10_000, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.#connections.delete(socket));
    const reader = new TcpFrameReader();
    let pending = 0;
    socket.on('data', (chunk: Buffer) => {
      for (const message of reader.push(chunk)) {
        pending++;
        if (pending >= MAX_PENDING_PER_CONNECTION) socket.pause();
        void this.#respond(message, 'tcp').then((reply) => {
          pending--;
          if (socket.destroyed) return;
          if (reply !== null) socket.write(frameMessage(reply));
          if (pending < MAX_PENDING_PER_CONNECTION) socket.resume();
        });
      }
    });
  }

  /** The raw answer to one raw message, or null to send nothing. Never rejects. */
  async #respond(raw: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | null> {
    const cached = this.#replies.get(raw, transport);
    if (cached !== undefined) return cached;
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(raw);
    } catch {
      return null; // not DNS at all: nothing sensible to answer
    }
    if (query.type === 'response') return null; // answering answers could loop between servers
    try {
      const result = answerQuery(query, this.#snapshot, { zone: this.#options.zone ?? 'bubo.internal', ttl: this.#options.ttl ?? 5 });
      if (result.kind === 'forward') return await this.#forwarder.forward(raw, query, transport);
      const reply = encodeReply(result.packet, query, transport);
      this.#replies.set(raw, transport, reply);
      return reply;
    } catch (error) {
      this.#log(`dns: cannot answer a query: ${(error as Error).message}`);
      try {
        return encodeReply(replyTo({ id: query.id, flags: query.flags }, DnsRcode.SERVFAIL, { authoritative: false }), {}, transport);
      } catch {
        return null;
      }
    }
  }
}

function bindUdp(address: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(address) ? 'udp6' : 'udp4');
    socket.once('error', (error) => {
      try {
        socket.close();
      } catch {
        // never bound: nothing to close
      }
      reject(error);
    });
    socket.bind({ address, port, exclusive: true }, () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

function listenTcp(address: string, port: number, onConnection: (socket: net.Socket) => void): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer(onConnection);
    server.maxConnections = 256;
    server.once('error', reject);
    server.listen({ host: address, port, exclusive: true }, () => {
      server.removeListener('error', reject);
      server.on('error', () => {});
      resolve(server);
    });
  });
}
