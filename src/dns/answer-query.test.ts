import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { answerQuery } from './answer-query.js';
import { buildCatalogSnapshot } from './catalog-snapshot.js';

const catalog = buildCatalogSnapshot({
  index: 42,
  services: [
    {
      app: 'shop',
      namespace: 'default',
      ports: [
        { name: 'http', port: 8080, protocol: 'http', public: null },
        { name: 'metrics', port: 9100, protocol: 'tcp', public: null },
        { name: 'syslog', port: 514, protocol: 'udp', public: null },
      ],
      instances: [
        { id: 'shop-web-0a1b2c3d', address: '10.88.1.2', host: 'h1' },
        { id: 'shop-web-4e5f6a7b', address: '10.88.2.3', host: 'h2' },
      ],
    },
    { app: 'cache', namespace: 'default', ports: [{ name: 'redis', port: 6379, protocol: 'tcp', public: null }], instances: [] },
    { app: 'Api', namespace: 'Team-B', ports: [], instances: [{ id: 'api-main-99aa00bb', address: '10.88.3.4', host: 'h3' }] },
  ],
});
const options = { zone: 'bubo.internal', ttl: 5 };

interface Asked {
  rcode: string;
  flags: { aa: boolean; ra: boolean; rd: boolean; tc: boolean };
  id: number | undefined;
  questions: dnsPacket.Question[];
  answers: string[];
  authorities: string[];
  additionals: string[];
}

/** Sends `query` through the wire format both ways, as the server does, and summarizes the reply. */
function ask(query: dnsPacket.Packet): Asked | 'forward' {
  const decodedQuery = dnsPacket.decode(dnsPacket.encode(query));
  const result = answerQuery(decodedQuery, catalog, options);
  if (result.kind === 'forward') return 'forward';
  const reply = dnsPacket.decode(dnsPacket.encode(result.packet));
  return {
    rcode: (reply as unknown as { rcode: string }).rcode,
    flags: { aa: reply.flag_aa, ra: reply.flag_ra, rd: reply.flag_rd, tc: reply.flag_tc },
    id: reply.id,
    questions: reply.questions ?? [],
    answers: (reply.answers ?? []).map(summarize),
    authorities: (reply.authorities ?? []).map(summarize),
    additionals: (reply.additionals ?? []).map(summarize),
  };
}

function question(name: string, type: string, qclass = 'IN'): dnsPacket.Packet {
  return {
    type: 'query',
    id: 4242,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type: type as dnsPacket.RecordType, class: qclass as dnsPacket.RecordClass }],
  };
}

function summarize(record: dnsPacket.Answer): string {
  if (record.type === 'SRV') return `${record.name} ${record.ttl} SRV ${record.data.priority} ${record.data.weight} ${record.data.port} ${record.data.target}`;
  if (record.type === 'SOA') return `${record.name} ${record.ttl} SOA ${record.data.mname} ${record.data.serial} ${record.data.minimum}`;
  if (record.type === 'A') return `${record.name} ${record.ttl} A ${record.data}`;
  return `${record.name} ${record.type}`;
}

const SOA = 'bubo.internal 5 SOA ns.bubo.internal 42 5';

describe('answerQuery', () => {
  it.each([
    {
      what: 'an app name answers every instance address',
      name: 'shop.default.bubo.internal',
      type: 'A',
      rcode: 'NOERROR',
      answers: ['shop.default.bubo.internal 5 A 10.88.1.2', 'shop.default.bubo.internal 5 A 10.88.2.3'],
    },
    {
      what: 'names compare case-insensitively and the answer keeps the asked spelling',
      name: 'SHOP.Default.Bubo.INTERNAL',
      type: 'A',
      rcode: 'NOERROR',
      answers: ['SHOP.Default.Bubo.INTERNAL 5 A 10.88.1.2', 'SHOP.Default.Bubo.INTERNAL 5 A 10.88.2.3'],
    },
    {
      what: 'catalog names with capitals are found in lower case',
      name: 'api.team-b.bubo.internal',
      type: 'A',
      rcode: 'NOERROR',
      answers: ['api.team-b.bubo.internal 5 A 10.88.3.4'],
    },
    {
      what: 'an app without instances is NODATA, not NXDOMAIN',
      name: 'cache.default.bubo.internal',
      type: 'A',
      rcode: 'NOERROR',
      authorities: [SOA],
    },
    { what: 'an unknown app is NXDOMAIN with the SOA', name: 'nope.default.bubo.internal', type: 'A', rcode: 'NXDOMAIN', authorities: [SOA] },
    { what: 'an app of another namespace is NXDOMAIN', name: 'shop.team-b.bubo.internal', type: 'A', rcode: 'NXDOMAIN', authorities: [SOA] },
    {
      what: 'an instance name answers its address',
      name: 'shop-web-4e5f6a7b.bubo.internal',
      type: 'A',
      rcode: 'NOERROR',
      answers: ['shop-web-4e5f6a7b.bubo.internal 5 A 10.88.2.3'],
    },
    { what: 'an unknown instance name is NXDOMAIN', name: 'shop-web-ffffffff.bubo.internal', type: 'A', rcode: 'NXDOMAIN', authorities: [SOA] },
    { what: 'AAAA for an app is NODATA', name: 'shop.default.bubo.internal', type: 'AAAA', rcode: 'NOERROR', authorities: [SOA] },
    { what: 'AAAA for an instance is NODATA', name: 'shop-web-0a1b2c3d.bubo.internal', type: 'AAAA', rcode: 'NOERROR', authorities: [SOA] },
    { what: 'TXT for an app is NODATA', name: 'shop.default.bubo.internal', type: 'TXT', rcode: 'NOERROR', authorities: [SOA] },
    { what: 'SRV for an app name itself is NODATA', name: 'shop.default.bubo.internal', type: 'SRV', rcode: 'NOERROR', authorities: [SOA] },
    { what: 'a namespace name exists without records', name: 'default.bubo.internal', type: 'A', rcode: 'NOERROR', authorities: [SOA] },
    { what: 'the protocol level below an app with tcp ports exists', name: '_tcp.shop.default.bubo.internal', type: 'SRV', rcode: 'NOERROR', authorities: [SOA] },
    { what: 'the protocol level of a protocol the app has no port for does not', name: '_udp.cache.default.bubo.internal', type: 'SRV', rcode: 'NXDOMAIN', authorities: [SOA] },
    { what: 'the zone apex answers its SOA', name: 'bubo.internal', type: 'SOA', rcode: 'NOERROR', answers: [SOA] },
    { what: 'A at the zone apex is NODATA', name: 'bubo.internal', type: 'A', rcode: 'NOERROR', authorities: [SOA] },
    { what: 'a deeper unknown name is NXDOMAIN', name: 'a.b.c.d.e.bubo.internal', type: 'A', rcode: 'NXDOMAIN', authorities: [SOA] },
    {
      what: 'ANY for an app answers its addresses',
      name: 'shop.default.bubo.internal',
      type: 'ANY',
      rcode: 'NOERROR',
      answers: ['shop.default.bubo.internal 5 A 10.88.1.2', 'shop.default.bubo.internal 5 A 10.88.2.3'],
    },
    { what: 'a zone transfer is refused', name: 'bubo.internal', type: 'AXFR', rcode: 'REFUSED' },
  ])('$what', ({ name, type, rcode, answers = [], authorities = [] }) => {
    const reply = ask(question(name, type));
    expect(reply).not.toBe('forward');
    const asked = reply as Asked;
    expect(asked.rcode).toBe(rcode);
    expect(asked.answers).toEqual(answers);
    expect(asked.authorities).toEqual(authorities);
  });

  it.each([
    { what: 'an http port is found under _tcp', name: '_http._tcp.shop.default.bubo.internal', port: 8080 },
    { what: 'a tcp port is found under _tcp', name: '_metrics._tcp.shop.default.bubo.internal', port: 9100 },
    { what: 'a udp port is found under _udp', name: '_syslog._udp.shop.default.bubo.internal', port: 514 },
    { what: 'port names compare case-insensitively', name: '_HTTP._TCP.shop.default.bubo.internal', port: 8080 },
  ])('SRV: $what, one record per instance with the targets in the additional section', ({ name, port }) => {
    const reply = ask(question(name, 'SRV')) as Asked;
    expect(reply.rcode).toBe('NOERROR');
    expect(reply.answers).toEqual([
      `${name} 5 SRV 0 10 ${port} shop-web-0a1b2c3d.bubo.internal`,
      `${name} 5 SRV 0 10 ${port} shop-web-4e5f6a7b.bubo.internal`,
    ]);
    expect(reply.additionals).toEqual(['shop-web-0a1b2c3d.bubo.internal 5 A 10.88.1.2', 'shop-web-4e5f6a7b.bubo.internal 5 A 10.88.2.3']);
  });

  it.each([
    { what: 'a udp port asked under _tcp', name: '_syslog._tcp.shop.default.bubo.internal' },
    { what: 'a tcp port asked under _udp', name: '_http._udp.shop.default.bubo.internal' },
    { what: 'an unknown port', name: '_ftp._tcp.shop.default.bubo.internal' },
    { what: 'a port name without the underscore', name: 'http._tcp.shop.default.bubo.internal' },
    { what: 'a port of an unknown app', name: '_http._tcp.nope.default.bubo.internal' },
  ])('SRV: $what is NXDOMAIN', ({ name }) => {
    const reply = ask(question(name, 'SRV')) as Asked;
    expect(reply.rcode).toBe('NXDOMAIN');
    expect(reply.authorities).toEqual([SOA]);
  });

  it('SRV for a port of an app without instances is NODATA', () => {
    const reply = ask(question('_redis._tcp.cache.default.bubo.internal', 'SRV')) as Asked;
    expect(reply.rcode).toBe('NOERROR');
    expect(reply.answers).toEqual([]);
  });

  it('A for an existing SRV name is NODATA', () => {
    const reply = ask(question('_http._tcp.shop.default.bubo.internal', 'A')) as Asked;
    expect(reply.rcode).toBe('NOERROR');
    expect(reply.answers).toEqual([]);
  });

  it.each(['example.com', 'notbubo.internal', 'bubo.internal.example.com', 'internal', 'localhost'])(
    'a name outside the zone (%s) is forwarded',
    (name) => {
      expect(ask(question(name, 'A'))).toBe('forward');
    },
  );

  it('a class other than IN is forwarded outside the zone and refused inside it', () => {
    expect(ask(question('version.bind', 'TXT', 'CH'))).toBe('forward');
    expect((ask(question('shop.default.bubo.internal', 'A', 'CH')) as Asked).rcode).toBe('REFUSED');
  });

  it('a zone answer echoes the id and question, sets AA and RA, and copies RD', () => {
    const reply = ask(question('shop.default.bubo.internal', 'A')) as Asked;
    expect(reply.id).toBe(4242);
    expect(reply.questions).toEqual([{ name: 'shop.default.bubo.internal', type: 'A', class: 'IN' }]);
    expect(reply.flags).toEqual({ aa: true, ra: true, rd: true, tc: false });

    const withoutRd = ask({ ...question('shop.default.bubo.internal', 'A'), flags: 0 }) as Asked;
    expect(withoutRd.flags).toEqual({ aa: true, ra: true, rd: false, tc: false });
  });

  it('a NXDOMAIN is authoritative too', () => {
    expect((ask(question('nope.default.bubo.internal', 'A')) as Asked).flags.aa).toBe(true);
  });

  it('records carry the TTL from the options', () => {
    const decoded = dnsPacket.decode(dnsPacket.encode(question('shop-web-0a1b2c3d.bubo.internal', 'A')));
    const result = answerQuery(decoded, catalog, { zone: 'bubo.internal', ttl: 30 });
    const first = result.kind === 'answer' ? result.packet.answers?.[0] : undefined;
    expect(first?.type === 'A' && first.ttl).toBe(30);
  });

  it('a query without a question is FORMERR', () => {
    const reply = ask({ type: 'query', id: 7, flags: 0, questions: [] }) as Asked;
    expect(reply.rcode).toBe('FORMERR');
    expect(reply.id).toBe(7);
  });

  it('a query with two questions is FORMERR', () => {
    const reply = ask({
      type: 'query',
      id: 7,
      questions: [
        { name: 'shop.default.bubo.internal', type: 'A' },
        { name: 'example.com', type: 'A' },
      ],
    }) as Asked;
    expect(reply.rcode).toBe('FORMERR');
  });

  it('an opcode other than QUERY is NOTIMP', () => {
    const update = 5 << 11;
    const reply = ask({ ...question('shop.default.bubo.internal', 'SOA'), flags: update }) as Asked;
    expect(reply.rcode).toBe('NOTIMP');
  });

  it('an empty catalog answers NXDOMAIN for apps and still the SOA for the zone', () => {
    const empty = buildCatalogSnapshot({ index: 0, services: [] });
    const decoded = dnsPacket.decode(dnsPacket.encode(question('shop.default.bubo.internal', 'A')));
    const result = answerQuery(decoded, empty, options);
    expect(result.kind === 'answer' && result.packet.flags! & 0xf).toBe(3);
  });

  it('leaves out instances whose address is not IPv4 instead of failing the whole answer', () => {
    const odd = buildCatalogSnapshot({
      index: 1,
      services: [
        {
          app: 'web',
          namespace: 'default',
          ports: [],
          instances: [
            { id: 'web-1', address: '', host: 'h1' },
            { id: 'web-2', address: '10.88.1.9', host: 'h1' },
          ],
        },
      ],
    });
    const decoded = dnsPacket.decode(dnsPacket.encode(question('web.default.bubo.internal', 'A')));
    const result = answerQuery(decoded, odd, options);
    expect(result.kind === 'answer' && result.packet.answers?.map((a) => a.type === 'A' && a.data)).toEqual(['10.88.1.9']);
    expect(odd.instances.has('web-1')).toBe(false);
  });
});
