import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { encodeReply, MAX_UDP_PAYLOAD } from './encode-reply.js';

const NAME = 'big.default.bubo.internal';

function query(edns?: number): dnsPacket.Packet {
  const additionals: dnsPacket.Answer[] =
    edns === undefined
      ? []
      : [{ type: 'OPT', name: '.', udpPayloadSize: edns, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }];
  return { type: 'query', id: 1, questions: [{ name: NAME, type: 'A', class: 'IN' }], additionals };
}

function reply(addresses: number, targets = 0): dnsPacket.Packet {
  const a = (name: string, i: number): dnsPacket.Answer => ({ type: 'A', name, ttl: 5, data: `10.88.${i >> 8}.${i & 255}` });
  return {
    type: 'response',
    id: 1,
    flags: dnsPacket.AUTHORITATIVE_ANSWER,
    questions: [{ name: NAME, type: 'A', class: 'IN' }],
    answers: Array.from({ length: addresses }, (_, i) => a(NAME, i)),
    additionals: Array.from({ length: targets }, (_, i) => a(`instance-with-a-long-name-${i}.bubo.internal`, i)),
  };
}

describe('encodeReply', () => {
  it('sends a small answer as it is and adds no OPT when the query had none', () => {
    const decoded = dnsPacket.decode(encodeReply(reply(2), query(), 'udp'));
    expect(decoded.answers).toHaveLength(2);
    expect(decoded.additionals).toEqual([]);
    expect(decoded.flag_tc).toBe(false);
  });

  it('answers EDNS with an OPT record offering the server payload size', () => {
    const decoded = dnsPacket.decode(encodeReply(reply(2), query(4096), 'udp'));
    const opt = decoded.additionals?.[0] as dnsPacket.OptAnswer;
    expect(opt.type).toBe('OPT');
    expect(opt.udpPayloadSize).toBe(MAX_UDP_PAYLOAD);
  });

  it('truncates a UDP answer over 512 bytes without EDNS: TC set, the answers that fit kept', () => {
    const encoded = encodeReply(reply(20), query(), 'udp');
    const decoded = dnsPacket.decode(encoded);
    expect(encoded.length).toBeLessThanOrEqual(512);
    expect(decoded.flag_tc).toBe(true);
    expect(decoded.flag_aa).toBe(true);
    expect(decoded.answers!.length).toBeGreaterThan(5);
    expect(decoded.answers!.length).toBeLessThan(20);
    expect(decoded.questions).toEqual([{ name: NAME, type: 'A', class: 'IN' }]);
    // one more answer would not have fitted
    expect(encoded.length + 41).toBeGreaterThan(512);
  });

  it('sends the same answer whole when EDNS allows the size', () => {
    const decoded = dnsPacket.decode(encodeReply(reply(20), query(1232), 'udp'));
    expect(decoded.flag_tc).toBe(false);
    expect(decoded.answers).toHaveLength(20);
  });

  it('caps an EDNS size above the server maximum and treats one below 512 as 512', () => {
    const big = encodeReply(reply(100), query(65_000), 'udp');
    expect(big.length).toBeLessThanOrEqual(MAX_UDP_PAYLOAD);
    expect(dnsPacket.decode(big).flag_tc).toBe(true);
    expect(dnsPacket.decode(encodeReply(reply(20), query(100), 'udp')).flag_tc).toBe(true);
  });

  it('drops additional records before truncating, without TC', () => {
    const decoded = dnsPacket.decode(encodeReply(reply(2, 10), query(), 'udp'));
    expect(decoded.flag_tc).toBe(false);
    expect(decoded.answers).toHaveLength(2);
    expect(decoded.additionals).toEqual([]);
  });

  it('never truncates over TCP', () => {
    const decoded = dnsPacket.decode(encodeReply(reply(500, 100), query(), 'tcp'));
    expect(decoded.flag_tc).toBe(false);
    expect(decoded.answers).toHaveLength(500);
    expect(decoded.additionals).toHaveLength(100);
  });
});
