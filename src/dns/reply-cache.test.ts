import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerQuery } from './answer-query.js';
import { buildCatalogSnapshot } from './catalog-snapshot.js';
import { encodeReply } from './encode-reply.js';
import { ReplyCache } from './reply-cache.js';

const catalog = buildCatalogSnapshot({
  index: 7,
  services: [
    {
      app: 'web',
      namespace: 'default',
      ports: [{ name: 'http', port: 8080, protocol: 'http', public: null }],
      instances: [
        { id: 'web-a-0001', address: '10.88.1.2', host: 'h1' },
        { id: 'web-a-0002', address: '10.88.2.2', host: 'h2' },
      ],
    },
  ],
});

/** What the server sends without a cache: decode, answer, encode. */
function fresh(raw: Buffer, transport: 'udp' | 'tcp'): Buffer {
  const query = dnsPacket.decode(raw);
  const result = answerQuery(query, catalog, { zone: 'bubo.internal', ttl: 5 });
  if (result.kind !== 'answer') throw new Error('forwarded');
  return encodeReply(result.packet, query, transport);
}

const names = fc.constantFrom('web.default.bubo.internal', '_http._tcp.web.default.bubo.internal', 'web-a-0001.bubo.internal', 'nope.default.bubo.internal', 'bubo.internal');
/** Random case per letter, as resolvers using 0x20 send it. */
const cased = names.chain((name) => fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }).map((up) => [...name].map((c, i) => (up[i] ? c.toUpperCase() : c)).join('')));
const query = fc.record({
  id: fc.integer({ min: 0, max: 0xffff }),
  name: cased,
  type: fc.constantFrom('A', 'SRV', 'SOA', 'AAAA', 'TXT') as fc.Arbitrary<dnsPacket.RecordType>,
  rd: fc.boolean(),
  edns: fc.boolean(),
});
const encode = (q: { id: number; name: string; type: dnsPacket.RecordType; rd: boolean; edns: boolean }) =>
  dnsPacket.encode({
    type: 'query',
    id: q.id,
    flags: q.rd ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ type: q.type, name: q.name, class: 'IN' }],
    additionals: q.edns ? [{ type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] : [],
  });

describe('ReplyCache', () => {
  it('answers a query seen before byte for byte as the full path would, with the new id', () => {
    fc.assert(
      fc.property(query, fc.integer({ min: 0, max: 0xffff }), fc.constantFrom('udp', 'tcp') as fc.Arbitrary<'udp' | 'tcp'>, (q, id, transport) => {
        const cache = new ReplyCache();
        const first = encode(q);
        cache.set(first, transport, fresh(first, transport));
        const again = encode({ ...q, id });
        expect(cache.get(again, transport)).toEqual(fresh(again, transport));
      }),
      { numRuns: 300 },
    );
  });

  it('misses for another name, case, type, flag or transport, and after clear', () => {
    const cache = new ReplyCache();
    const base = { id: 1, name: 'web.default.bubo.internal', type: 'A' as const, rd: true, edns: false };
    const raw = encode(base);
    cache.set(raw, 'udp', fresh(raw, 'udp'));
    expect(cache.get(encode({ ...base, id: 9 }), 'udp')).toBeDefined();
    for (const other of [{ ...base, name: 'Web.default.bubo.internal' }, { ...base, type: 'SRV' as const }, { ...base, rd: false }, { ...base, edns: true }]) {
      expect(cache.get(encode(other), 'udp')).toBeUndefined();
    }
    expect(cache.get(raw, 'tcp')).toBeUndefined();
    cache.clear();
    expect(cache.get(raw, 'udp')).toBeUndefined();
  });

  it('starts over when full instead of growing', () => {
    const cache = new ReplyCache(2);
    for (let n = 0; n < 5; n++) {
      const raw = encode({ id: 1, name: `n${n}.default.bubo.internal`, type: 'A', rd: false, edns: false });
      cache.set(raw, 'udp', fresh(raw, 'udp'));
      expect(cache.size).toBeLessThanOrEqual(2);
    }
  });

  it('ignores messages too short to hold a header', () => {
    const cache = new ReplyCache();
    cache.set(Buffer.alloc(5), 'udp', Buffer.alloc(20));
    expect(cache.get(Buffer.alloc(5), 'udp')).toBeUndefined();
  });
});
