import dnsPacket from 'dns-packet';
import { MAX_TCP_MESSAGE } from './tcp-frames.js';

/** The largest UDP payload this server offers and accepts (the DNS Flag Day 2020 value). */
export const MAX_UDP_PAYLOAD = 1232;
const CLASSIC_UDP_PAYLOAD = 512;

/**
 * Encodes a reply for its transport. When the query carried EDNS, the reply carries an OPT
 * record too (RFC 6891). A reply larger than the client accepts — 512 bytes over UDP, or the
 * EDNS size it advertised, at most `MAX_UDP_PAYLOAD` — first loses its additional records;
 * if still too large it keeps the answers that fit and sets TC, so the client retries over TCP.
 * (dns-packet does not compress names, so a reply is larger than the same from BIND.)
 */
export function encodeReply(packet: dnsPacket.Packet, query: dnsPacket.Packet, transport: 'udp' | 'tcp'): Buffer {
  const opt = findOpt(query);
  const edns: dnsPacket.Answer[] = opt ? [serverOpt()] : [];
  const full: dnsPacket.Packet = { ...packet, additionals: [...(packet.additionals ?? []), ...edns] };
  const limit = transport === 'tcp' ? MAX_TCP_MESSAGE : udpLimit(opt);
  const encoded = dnsPacket.encode(full);
  if (encoded.length <= limit) return encoded;

  const withoutAdditionals = dnsPacket.encode({ ...packet, additionals: edns });
  if (withoutAdditionals.length <= limit) return withoutAdditionals;
  return largestTruncated(packet, edns, limit);
}

/**
 * The reply with TC set and as many answers as fit: a client that retries over TCP gets them
 * all, and one that cannot (older musl) still gets some addresses rather than none.
 */
function largestTruncated(packet: dnsPacket.Packet, edns: dnsPacket.Answer[], limit: number): Buffer {
  const answers = packet.answers ?? [];
  const encode = (count: number) =>
    dnsPacket.encode({
      ...packet,
      flags: (packet.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE,
      answers: answers.slice(0, count),
      authorities: [],
      additionals: edns,
    });
  let fits = encode(0);
  let low = 1;
  let high = answers.length;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const candidate = encode(middle);
    if (candidate.length <= limit) {
      fits = candidate;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return fits;
}

function findOpt(query: dnsPacket.Packet): dnsPacket.OptAnswer | undefined {
  return query.additionals?.find((a): a is dnsPacket.OptAnswer => a.type === 'OPT');
}

function udpLimit(opt: dnsPacket.OptAnswer | undefined): number {
  if (!opt) return CLASSIC_UDP_PAYLOAD;
  return Math.min(Math.max(opt.udpPayloadSize, CLASSIC_UDP_PAYLOAD), MAX_UDP_PAYLOAD);
}

function serverOpt(): dnsPacket.OptAnswer {
  return { type: 'OPT', name: '.', udpPayloadSize: MAX_UDP_PAYLOAD, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
}
