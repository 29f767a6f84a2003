import type dnsPacket from 'dns-packet';
import type { CatalogSnapshot } from './catalog-snapshot.js';
import { DnsRcode } from './dns-rcode.js';
import { replyTo } from './reply-to.js';

export interface AnswerOptions {
  /** The zone this server is authoritative for, e.g. `bubo.internal`. */
  zone: string;
  /** TTL of every record and of negative answers (the SOA minimum), in seconds. */
  ttl: number;
}

export type QueryResult = { kind: 'answer'; packet: dnsPacket.Packet } | { kind: 'forward' };

/** The records one name of the zone owns; `undefined` from `lookup` means the name does not exist. */
interface ZoneNode {
  a: string[];
  srv: { port: number; target: string; address: string }[];
  apex: boolean;
}

const OPCODE_QUERY = 0;

/**
 * Answers one decoded query from the catalog, or says it must be forwarded upstream (any name
 * outside the zone). Pure: the same query and snapshot give the same packet. Names:
 *
 * - `<app>.<namespace>.<zone>` A: every instance address (NODATA without instances)
 * - `_<port>._tcp|_udp.<app>.<namespace>.<zone>` SRV: one per instance, target `<id>.<zone>`,
 *   with the targets' A records as additionals (`http` ports are tcp)
 * - `<instance-id>.<zone>` A: its address
 * - `<zone>` SOA; anything else in the zone NXDOMAIN, with the SOA in authority
 *
 * Other types for existing names answer NODATA. Negative answers carry the SOA (RFC 2308).
 */
export function answerQuery(query: dnsPacket.Packet, catalog: CatalogSnapshot, options: AnswerOptions): QueryResult {
  const opcode = ((query.flags ?? 0) >> 11) & 0xf;
  if (opcode !== OPCODE_QUERY) return reply(replyTo(query, DnsRcode.NOTIMP, { authoritative: false }));
  const question = query.questions?.length === 1 ? query.questions[0] : undefined;
  if (question === undefined) return reply(replyTo(query, DnsRcode.FORMERR, { authoritative: false }));

  const zone = normalizeName(options.zone);
  const name = normalizeName(question.name);
  if (name !== zone && !name.endsWith(`.${zone}`)) return { kind: 'forward' };

  const qclass = question.class ?? 'IN';
  if (qclass !== 'IN' && qclass !== 'ANY') return reply(replyTo(query, DnsRcode.REFUSED, { authoritative: false }));
  if (question.type === 'AXFR' || question.type === 'IXFR') return reply(replyTo(query, DnsRcode.REFUSED, { authoritative: true }));

  const node = lookup(name === zone ? [] : name.slice(0, -(zone.length + 1)).split('.'), catalog, zone);
  const soa = soaRecord(zone, catalog.index, options.ttl);
  if (node === undefined) {
    const packet = replyTo(query, DnsRcode.NXDOMAIN, { authoritative: true });
    packet.authorities = [soa];
    return reply(packet);
  }

  const packet = replyTo(query, DnsRcode.NOERROR, { authoritative: true });
  const owner = question.name;
  const ttl = options.ttl;
  const any = (question.type as string) === 'ANY';
  const answers: dnsPacket.Answer[] = [];
  const additionals: dnsPacket.Answer[] = [];
  if (question.type === 'A' || any) {
    for (const address of node.a) answers.push({ type: 'A', name: owner, ttl, data: address });
  }
  if (question.type === 'SRV' || any) {
    for (const srv of node.srv) {
      answers.push({ type: 'SRV', name: owner, ttl, data: { priority: 0, weight: 10, port: srv.port, target: srv.target } });
      additionals.push({ type: 'A', name: srv.target, ttl, data: srv.address });
    }
  }
  if ((question.type === 'SOA' || any) && node.apex) answers.push({ ...soa, name: owner });
  packet.answers = answers;
  packet.additionals = additionals;
  if (answers.length === 0) packet.authorities = [soa];
  return reply(packet);
}

function reply(packet: dnsPacket.Packet): QueryResult {
  return { kind: 'answer', packet };
}

/** Lower-case, without the root's trailing dot. */
function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** `labels` are the name's labels left of the zone, most specific first. */
function lookup(labels: string[], catalog: CatalogSnapshot, zone: string): ZoneNode | undefined {
  const empty: ZoneNode = { a: [], srv: [], apex: false };
  const [first, second, third, fourth] = labels;
  switch (labels.length) {
    case 0:
      return { ...empty, apex: true };
    case 1: {
      // `<instance-id>.<zone>`, or `<namespace>.<zone>`: a name with no records of its own whose
      // NXDOMAIN would wrongly deny every app below it (RFC 8020).
      const address = catalog.instances.get(first!);
      if (address !== undefined) return { ...empty, a: [address] };
      return catalog.namespaces.has(first!) ? empty : undefined;
    }
    case 2: {
      const service = catalog.services.get(`${first}.${second}`);
      return service ? { ...empty, a: service.entry.instances.map((i) => i.address) } : undefined;
    }
    case 3: {
      // `_tcp.<app>.<namespace>`: exists when the app has a port of that protocol.
      const service = catalog.services.get(`${second}.${third}`);
      const protocol = transportLabel(first!);
      if (!service || !protocol) return undefined;
      return [...service.ports.values()].some((p) => transportOf(p.protocol) === protocol) ? empty : undefined;
    }
    case 4: {
      const service = catalog.services.get(`${third}.${fourth}`);
      const port = first!.startsWith('_') ? service?.ports.get(first!.slice(1)) : undefined;
      if (!service || !port || transportOf(port.protocol) !== transportLabel(second!)) return undefined;
      return {
        ...empty,
        srv: service.entry.instances.map((i) => ({ port: port.port, target: `${i.id}.${zone}`, address: i.address })),
      };
    }
    default:
      return undefined;
  }
}

function transportLabel(label: string): 'tcp' | 'udp' | undefined {
  if (label === '_tcp') return 'tcp';
  if (label === '_udp') return 'udp';
  return undefined;
}

function transportOf(protocol: 'tcp' | 'udp' | 'http'): 'tcp' | 'udp' {
  return protocol === 'udp' ? 'udp' : 'tcp';
}

function soaRecord(zone: string, serial: number, ttl: number): dnsPacket.SoaAnswer {
  return {
    type: 'SOA',
    name: zone,
    ttl,
    data: {
      mname: `ns.${zone}`,
      rname: `hostmaster.${zone}`,
      serial: serial >>> 0,
      refresh: 60,
      retry: 10,
      expire: 600,
      minimum: ttl,
    },
  };
}
