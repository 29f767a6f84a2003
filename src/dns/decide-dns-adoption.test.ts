import { describe, expect, it } from 'vitest';
import { type DnsAdoption, type DnsProcessFacts, decideDnsAdoption } from './decide-dns-adoption.js';
import type { DnsProcessRecord } from './dns-process-record.js';

const wanted = { version: '0.2.0', listen: '10.88.1.1:53', upstreams: ['192.0.2.1:53'] };
const record: DnsProcessRecord = { pid: 100, version: '0.2.0', listen: '10.88.1.1:53', upstreams: ['192.0.2.1:53'], started_at: '2026-12-02T12:00:00.000Z' };
const facts = (over: Partial<DnsProcessFacts>): DnsProcessFacts => ({ record, recorded: 'ours', unrecorded: [], ...over });

describe('decideDnsAdoption', () => {
  it.each<[string, DnsProcessFacts, DnsAdoption]>([
    ['no record, nothing running', facts({ record: null }), { action: 'start', reason: 'no DNS process recorded' }],
    ['a stale record: the process exited', facts({ recorded: 'dead' }), { action: 'start', reason: 'the recorded DNS process 100 is not running' }],
    ['a stale record: the pid is another program now', facts({ recorded: 'foreign' }), { action: 'start', reason: 'the recorded pid 100 is another program now (left alone)' }],
    ['ours, same version, address and upstreams', facts({}), { action: 'adopt', pid: 100, reason: 'adopted DNS process 100 (bubo 0.2.0 on 10.88.1.1:53)' }],
    ['ours, an older bubo', facts({ record: { ...record, version: '0.1.0' } }), { action: 'replace', pid: 100, reason: 'DNS process 100 runs bubo 0.1.0, this agent is 0.2.0' }],
    ['ours, a newer bubo (a downgrade)', facts({ record: { ...record, version: '0.3.0' } }), { action: 'replace', pid: 100, reason: 'DNS process 100 runs bubo 0.3.0, this agent is 0.2.0' }],
    ['ours, on the address of an old subnet', facts({ record: { ...record, listen: '10.88.7.1:53' } }), { action: 'replace', pid: 100, reason: 'DNS process 100 answers on 10.88.7.1:53, the bridge is now 10.88.1.1:53' }],
    ['ours, the host resolvers changed', facts({ record: { ...record, upstreams: [] } }), { action: 'replace', pid: 100, reason: "DNS process 100 forwards to nowhere, the host's resolvers are now 192.0.2.1:53" }],
    ['no record, but one runs for this state directory', facts({ record: null, unrecorded: [321] }), { action: 'replace', pid: 321, reason: 'DNS process 321 serves this state directory without a record (version unknown)' }],
    ['a stale record, and an unrecorded one runs', facts({ recorded: 'dead', unrecorded: [321] }), { action: 'replace', pid: 321, reason: 'DNS process 321 serves this state directory without a record (version unknown)' }],
    ['ours recorded, another one unrecorded (a takeover under way)', facts({ unrecorded: [321] }), { action: 'adopt', pid: 100, reason: 'adopted DNS process 100 (bubo 0.2.0 on 10.88.1.1:53)' }],
  ])('%s', (_why, given, expected) => {
    expect(decideDnsAdoption(given, wanted)).toEqual(expected);
  });

  it('never starts a second process while one of ours runs', () => {
    for (const recorded of ['dead', 'foreign', 'ours'] as const) {
      for (const version of ['0.1.0', '0.2.0']) {
        const decision = decideDnsAdoption(facts({ recorded, record: { ...record, version }, unrecorded: [321] }), wanted);
        expect(decision.action).not.toBe('start');
      }
    }
  });
});
