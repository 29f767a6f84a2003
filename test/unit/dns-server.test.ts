import net from 'node:net';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogResponse } from '../../src/api/catalog.js';
import { DnsServer } from '../../src/dns/dns-server.js';
import { deadPort, dig, type FakeUpstream, hasDig, sendTcp, sendUdp, startFakeUpstream } from '../support/test-dns-client.js';
import { frameMessage } from '../../src/dns/tcp-frames.js';

const catalog: CatalogResponse = {
  index: 7,
  services: [
    {
      app: 'shop',
      namespace: 'default',
      ports: [{ name: 'http', port: 8080, protocol: 'http', public: null }],
      instances: [
        { id: 'shop-web-0a1b2c3d', address: '10.88.1.2', host: 'h1' },
        { id: 'shop-web-4e5f6a7b', address: '10.88.2.3', host: 'h2' },
      ],
    },
    {
      app: 'big',
      namespace: 'default',
      ports: [],
      instances: Array.from({ length: 100 }, (_, i) => ({ id: `big-${i}`, address: `10.88.9.${i + 1}`, host: 'h1' })),
    },
  ],
};

const withDig = await hasDig();

describe('DnsServer', () => {
  let upstream: FakeUpstream;
  let server: DnsServer;
  let at: { address: string; port: number };

  beforeAll(async () => {
    upstream = await startFakeUpstream({ 'example.test': '192.0.2.7' });
    server = new DnsServer({ listen: { address: '127.0.0.1', port: 0 }, upstreams: [`127.0.0.1:${upstream.address.port}`] });
    server.update(catalog);
    await server.start();
    at = server.address();
  });

  afterAll(async () => {
    await server.stop();
    await upstream.close();
  });

  describe.skipIf(!withDig)('answering dig', () => {
    it.each(['udp', 'tcp'])('answers an app name with its instance addresses over %s', async (transport) => {
      const result = await dig(at, [...(transport === 'tcp' ? ['+tcp'] : []), 'shop.default.bubo.internal', 'A']);
      expect(result.status).toBe('NOERROR');
      expect(result.flags).toEqual(expect.arrayContaining(['qr', 'aa', 'rd', 'ra']));
      expect(result.answer).toEqual(['shop.default.bubo.internal. 5 IN A 10.88.1.2', 'shop.default.bubo.internal. 5 IN A 10.88.2.3']);
    });

    it.each(['udp', 'tcp'])('answers SRV for a named port with the targets as additional records over %s', async (transport) => {
      const result = await dig(at, [...(transport === 'tcp' ? ['+tcp'] : []), '_http._tcp.shop.default.bubo.internal', 'SRV']);
      expect(result.status).toBe('NOERROR');
      expect(result.answer).toEqual([
        '_http._tcp.shop.default.bubo.internal. 5 IN SRV 0 10 8080 shop-web-0a1b2c3d.bubo.internal.',
        '_http._tcp.shop.default.bubo.internal. 5 IN SRV 0 10 8080 shop-web-4e5f6a7b.bubo.internal.',
      ]);
      expect(result.additional).toEqual(
        expect.arrayContaining(['shop-web-0a1b2c3d.bubo.internal. 5 IN A 10.88.1.2', 'shop-web-4e5f6a7b.bubo.internal. 5 IN A 10.88.2.3']),
      );
    });

    it('answers an instance name with its address', async () => {
      const result = await dig(at, ['shop-web-4e5f6a7b.bubo.internal']);
      expect(result.answer).toEqual(['shop-web-4e5f6a7b.bubo.internal. 5 IN A 10.88.2.3']);
    });

    it.each(['udp', 'tcp'])('answers NXDOMAIN with the SOA for an unknown name over %s', async (transport) => {
      const result = await dig(at, [...(transport === 'tcp' ? ['+tcp'] : []), 'nope.default.bubo.internal']);
      expect(result.status).toBe('NXDOMAIN');
      expect(result.flags).toContain('aa');
      expect(result.authority).toEqual(['bubo.internal. 5 IN SOA ns.bubo.internal. hostmaster.bubo.internal. 7 60 10 600 5']);
    });

    it.each(['udp', 'tcp'])('forwards a name outside the zone to the upstream over %s', async (transport) => {
      const before = upstream.received.length;
      const result = await dig(at, [...(transport === 'tcp' ? ['+tcp'] : []), 'example.test']);
      expect(result.status).toBe('NOERROR');
      expect(result.flags).not.toContain('aa');
      expect(result.answer).toEqual(['example.test. 300 IN A 192.0.2.7']);
      expect(upstream.received.slice(before)).toEqual([transport]);
    });

    it('passes the upstream NXDOMAIN through', async () => {
      expect((await dig(at, ['unknown.example.test'])).status).toBe('NXDOMAIN');
    });

    it('sets TC on a UDP answer over 512 bytes and dig gets it whole over TCP', async () => {
      const truncated = await dig(at, ['+noedns', '+ignore', 'big.default.bubo.internal']);
      expect(truncated.flags).toContain('tc');
      expect(truncated.answer.length).toBeLessThan(100);

      const retried = await dig(at, ['big.default.bubo.internal']);
      expect(retried.flags).not.toContain('tc');
      expect(retried.answer).toHaveLength(100);
    });

    it('answers from the new catalog after update()', async () => {
      server.update({ index: 8, services: [{ ...catalog.services[0]!, instances: [{ id: 'shop-web-99999999', address: '10.88.4.4', host: 'h4' }] }] });
      try {
        expect((await dig(at, ['shop.default.bubo.internal'])).answer).toEqual(['shop.default.bubo.internal. 5 IN A 10.88.4.4']);
        expect((await dig(at, ['big.default.bubo.internal'])).status).toBe('NXDOMAIN');
      } finally {
        server.update(catalog);
      }
    });

    it('answers SERVFAIL when the upstream is dead, over UDP and TCP', async () => {
      const lonely = new DnsServer({ listen: { address: '127.0.0.1', port: 0 }, upstreams: [`127.0.0.1:${await deadPort()}`], forwardTimeoutMs: 300 });
      await lonely.start();
      try {
        expect((await dig(lonely.address(), ['example.test'])).status).toBe('SERVFAIL');
        expect((await dig(lonely.address(), ['+tcp', 'example.test'])).status).toBe('SERVFAIL');
        // the zone is still answered
        expect((await dig(lonely.address(), ['bubo.internal', 'SOA'])).status).toBe('NOERROR');
      } finally {
        await lonely.stop();
      }
    });
  });

  describe('repeated queries', () => {
    it('answers a repeated query from its cached reply with the new id, and from the new catalog after update()', async () => {
      const ask = async (id: number) => dnsPacket.decode((await sendUdp(at, query('shop.default.bubo.internal', id)))!);
      const first = await ask(21);
      const second = await ask(22);
      expect(second.id).toBe(22);
      expect(second.answers).toEqual(first.answers);
      server.update({ index: 9, services: [{ ...catalog.services[0]!, instances: [{ id: 'shop-web-77777777', address: '10.88.5.5', host: 'h5' }] }] });
      try {
        const third = await ask(23);
        expect(third.id).toBe(23);
        expect(third.answers?.map((a) => (a as dnsPacket.StringAnswer).data)).toEqual(['10.88.5.5']);
      } finally {
        server.update(catalog);
      }
      expect((await ask(24)).answers).toHaveLength(2);
    });
  });

  describe('bad input', () => {
    it('drops a datagram that is not DNS and keeps answering', async () => {
      expect(await sendUdp(at, Buffer.from('hello, are you a DNS server?'), 300)).toBeNull();
      expect(await sendUdp(at, Buffer.alloc(0), 300)).toBeNull();
      const answer = await sendUdp(at, query('shop.default.bubo.internal', 9));
      expect(dnsPacket.decode(answer!).answers).toHaveLength(2);
    });

    it('does not answer a response, so two servers cannot loop', async () => {
      const response = dnsPacket.encode({ type: 'response', id: 3, questions: [{ name: 'shop.default.bubo.internal', type: 'A' }] });
      expect(await sendUdp(at, response, 300)).toBeNull();
    });

    it('answers FORMERR to a query with two questions', async () => {
      const twoQuestions = dnsPacket.encode({
        type: 'query',
        id: 11,
        questions: [
          { name: 'shop.default.bubo.internal', type: 'A' },
          { name: 'example.test', type: 'A' },
        ],
      });
      const answer = dnsPacket.decode((await sendUdp(at, twoQuestions))!);
      expect(answer.id).toBe(11);
      expect((answer as unknown as { rcode: string }).rcode).toBe('FORMERR');
    });

    it('answers several queries sent at once on one TCP connection, split at odd places', async () => {
      const bytes = Buffer.concat([frameMessage(query('shop.default.bubo.internal', 1)), frameMessage(query('nope.default.bubo.internal', 2)), frameMessage(query('example.test', 3))]);
      const answers = (await sendTcp(at, bytes, 3)).map((a) => dnsPacket.decode(a));
      const byId = new Map(answers.map((a) => [a.id, a]));
      expect(byId.get(1)?.answers).toHaveLength(2);
      expect((byId.get(2) as unknown as { rcode: string }).rcode).toBe('NXDOMAIN');
      expect(byId.get(3)?.answers?.[0]).toMatchObject({ type: 'A', data: '192.0.2.7' });
    });

    it('survives a TCP client that sends half a message and leaves', async () => {
      const half = frameMessage(query('shop.default.bubo.internal', 5)).subarray(0, 7);
      await new Promise<void>((resolve) => {
        const socket = net.connect({ host: at.address, port: at.port }, () => socket.end(half, resolve));
      });
      const answer = await sendUdp(at, query('shop.default.bubo.internal', 6));
      expect(dnsPacket.decode(answer!).id).toBe(6);
    });
  });

  it('retries a failed upstream once on the next one', async () => {
    const fallback = new DnsServer({
      listen: { address: '127.0.0.1', port: 0 },
      upstreams: [`127.0.0.1:${await deadPort()}`, `127.0.0.1:${upstream.address.port}`],
      forwardTimeoutMs: 300,
    });
    await fallback.start();
    try {
      for (const send of [(q: Buffer) => sendUdp(fallback.address(), q), async (q: Buffer) => (await sendTcp(fallback.address(), frameMessage(q), 1))[0]]) {
        const answer = dnsPacket.decode((await send(query('example.test', 13)))!);
        expect(answer.answers?.[0]).toMatchObject({ type: 'A', data: '192.0.2.7' });
      }
    } finally {
      await fallback.stop();
    }
  });

  it('refuses to start on an address that is taken, naming it', async () => {
    const second = new DnsServer({ listen: at, upstreams: [] });
    await expect(second.start()).rejects.toThrow(`Cannot start DNS server on 127.0.0.1:${at.port} (UDP)`);
  });

  it('does not forward to itself when resolv.conf names its own address', async () => {
    const port = await deadPort();
    const self = new DnsServer({ listen: { address: '127.0.0.1', port }, upstreams: [`127.0.0.1:${port}`] });
    await self.start();
    try {
      const answer = await sendUdp(self.address(), query('example.test', 12));
      expect((dnsPacket.decode(answer!) as unknown as { rcode: string }).rcode).toBe('SERVFAIL');
    } finally {
      await self.stop();
    }
  });
});

function query(name: string, id: number): Buffer {
  return dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: 'A', class: 'IN' }] });
}
