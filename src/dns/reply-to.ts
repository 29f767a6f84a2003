import dnsPacket from 'dns-packet';
import type { DnsRcode } from './dns-rcode.js';

const OPCODE_MASK = 0xf << 11;

/**
 * The skeleton of a response to `query`: same id, opcode and question, RD copied, RA set (we
 * recurse by forwarding), AA when `authoritative`, and `rcode`; no records yet.
 */
export function replyTo(query: dnsPacket.Packet, rcode: DnsRcode, options: { authoritative: boolean }): dnsPacket.Packet {
  const queryFlags = query.flags ?? 0;
  let flags = (queryFlags & OPCODE_MASK) | (queryFlags & dnsPacket.RECURSION_DESIRED) | dnsPacket.RECURSION_AVAILABLE | rcode;
  if (options.authoritative) flags |= dnsPacket.AUTHORITATIVE_ANSWER;
  return {
    type: 'response',
    id: query.id ?? 0,
    flags,
    questions: query.questions ?? [],
    answers: [],
    authorities: [],
    additionals: [],
  };
}
