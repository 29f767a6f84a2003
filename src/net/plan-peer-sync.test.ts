import { describe, expect, it } from 'vitest';
import type { PeerHost } from './cluster-view.js';
import type { FdbEntry, NeighbourState, RouteState } from './ip-json.js';
import { type PeerSyncInput, planPeerSync } from './plan-peer-sync.js';
import { vtepMac } from './vxlan-commands.js';

const self = { subnet: '10.88.1.0/24', address: '192.0.2.1' };
const h1: PeerHost = { name: 'h1', address: '192.0.2.1', subnet: '10.88.1.0/24' };
const h2: PeerHost = { name: 'h2', address: '192.0.2.2', subnet: '10.88.2.0/24' };
const h3: PeerHost = { name: 'h3', address: '192.0.2.3', subnet: '10.88.3.0/24' };
const route = (dst: string, gateway: string, extra: Partial<RouteState> = {}): RouteState => ({ dst, gateway, dev: 'eth0', prefsrc: '192.0.2.1', onlink: false, ...extra });
const vxRoute = (dst: string, gateway: string): RouteState => ({ dst, gateway, dev: 'bubo0-vx', prefsrc: '192.0.2.1', onlink: true });
const none = { routes: [] as RouteState[], fdb: [] as FdbEntry[], neighbours: [] as NeighbourState[] };

function plan(hosts: PeerHost[], actual: Partial<PeerSyncInput['actual']> = {}, overlay: 'routes' | 'vxlan' = 'routes'): string[] {
  return planPeerSync({ self, hosts, overlay, vxlanDevice: 'bubo0-vx', actual: { ...none, ...actual } }).map((c) => c.argv.join(' '));
}

describe('planPeerSync (routes)', () => {
  it.each<[string, PeerHost[], Partial<PeerSyncInput['actual']>, string[]]>([
    ['routes nothing for a lone host', [h1], {}, []],
    [
      'adds one route per other host, skipping its own subnet',
      [h1, h2, h3],
      {},
      ['ip route replace 10.88.2.0/24 via 192.0.2.2 src 192.0.2.1 proto 176', 'ip route replace 10.88.3.0/24 via 192.0.2.3 src 192.0.2.1 proto 176'],
    ],
    ['does nothing when the routes are there', [h1, h2, h3], { routes: [route('10.88.2.0/24', '192.0.2.2'), route('10.88.3.0/24', '192.0.2.3')] }, []],
    ['removes the route of a host that left', [h1, h2], { routes: [route('10.88.2.0/24', '192.0.2.2'), route('10.88.3.0/24', '192.0.2.3')] }, ['ip route del 10.88.3.0/24 proto 176']],
    ['follows a host that moved to another address', [h1, { ...h2, address: '192.0.2.22' }], { routes: [route('10.88.2.0/24', '192.0.2.2')] }, ['ip route replace 10.88.2.0/24 via 192.0.2.22 src 192.0.2.1 proto 176']],
    ['replaces a route with the wrong source', [h2], { routes: [route('10.88.2.0/24', '192.0.2.2', { prefsrc: '192.0.2.9' })] }, ['ip route replace 10.88.2.0/24 via 192.0.2.2 src 192.0.2.1 proto 176']],
    ['replaces a route left from VXLAN', [h2], { routes: [vxRoute('10.88.2.0/24', '192.0.2.2')] }, ['ip route replace 10.88.2.0/24 via 192.0.2.2 src 192.0.2.1 proto 176']],
    ['removes a stale route to its own subnet', [h1], { routes: [route('10.88.1.0/24', '192.0.2.7')] }, ['ip route del 10.88.1.0/24 proto 176']],
    [
      'skips hosts on this machine (its own address, loopback) and entries that do not parse',
      [h1, { name: 'same', address: '192.0.2.1', subnet: '10.88.4.0/24' }, { name: 'lo', address: '127.0.0.1', subnet: '10.88.5.0/24' }, { name: 'bad', address: 'x', subnet: '10.88.6.0/24' }, { name: 'bad2', address: '192.0.2.6', subnet: 'nope' }],
      {},
      [],
    ],
    ['routes a subnet once when two hosts claim it (first by name)', [{ ...h2, name: 'b' }, { ...h2, name: 'a', address: '192.0.2.9' }], {}, ['ip route replace 10.88.2.0/24 via 192.0.2.9 src 192.0.2.1 proto 176']],
  ])('%s', (_name, hosts, actual, commands) => {
    expect(plan(hosts, actual)).toEqual(commands);
  });

  it('routes without a source when the host address is unknown', () => {
    const commands = planPeerSync({ self: { subnet: self.subnet, address: '' }, hosts: [h2], overlay: 'routes', vxlanDevice: 'bubo0-vx', actual: none });
    expect(commands.map((c) => c.argv.join(' '))).toEqual(['ip route replace 10.88.2.0/24 via 192.0.2.2 proto 176']);
  });
});

describe('planPeerSync (vxlan)', () => {
  const m2 = vtepMac('10.88.2.0/24');
  const m3 = vtepMac('10.88.3.0/24');
  const synced = {
    routes: [vxRoute('10.88.2.0/24', '10.88.2.1'), vxRoute('10.88.3.0/24', '10.88.3.1')],
    fdb: [
      { mac: m2, dst: '192.0.2.2' },
      { mac: m3, dst: '192.0.2.3' },
    ],
    neighbours: [
      { address: '10.88.2.1', mac: m2, permanent: true },
      { address: '10.88.3.1', mac: m3, permanent: true },
    ],
  };

  it.each<[string, PeerHost[], Partial<PeerSyncInput['actual']>, string[]]>([
    [
      'adds per other host: its MAC to its address, its gateway to its MAC, the route through the device',
      [h1, h2, h3],
      {},
      [
        `bridge fdb append ${m2} dev bubo0-vx dst 192.0.2.2`,
        `ip neigh replace 10.88.2.1 lladdr ${m2} dev bubo0-vx nud permanent`,
        `bridge fdb append ${m3} dev bubo0-vx dst 192.0.2.3`,
        `ip neigh replace 10.88.3.1 lladdr ${m3} dev bubo0-vx nud permanent`,
        'ip route replace 10.88.2.0/24 via 10.88.2.1 dev bubo0-vx onlink src 192.0.2.1 proto 176',
        'ip route replace 10.88.3.0/24 via 10.88.3.1 dev bubo0-vx onlink src 192.0.2.1 proto 176',
      ],
    ],
    ['does nothing when everything is there', [h1, h2, h3], synced, []],
    [
      'removes a host that left: route first, then its entries',
      [h1, h2],
      synced,
      ['ip route del 10.88.3.0/24 proto 176', `bridge fdb del ${m3} dev bubo0-vx dst 192.0.2.3`, 'ip neigh del 10.88.3.1 dev bubo0-vx'],
    ],
    [
      'moves the entry of a host with a new address',
      [h1, h2, { ...h3, address: '192.0.2.33' }],
      synced,
      [`bridge fdb del ${m3} dev bubo0-vx dst 192.0.2.3`, `bridge fdb append ${m3} dev bubo0-vx dst 192.0.2.33`],
    ],
    [
      'pins a neighbour that was learnt or wrong',
      [h2],
      { ...synced, routes: [synced.routes[0]!], fdb: [synced.fdb[0]!], neighbours: [{ address: '10.88.2.1', mac: m2, permanent: false }] },
      [`ip neigh replace 10.88.2.1 lladdr ${m2} dev bubo0-vx nud permanent`],
    ],
    [
      'replaces a plain route left from the routes overlay',
      [h2],
      { routes: [route('10.88.2.0/24', '192.0.2.2')], fdb: [synced.fdb[0]!], neighbours: [synced.neighbours[0]!] },
      ['ip route replace 10.88.2.0/24 via 10.88.2.1 dev bubo0-vx onlink src 192.0.2.1 proto 176'],
    ],
  ])('%s', (_name, hosts, actual, commands) => {
    expect(plan(hosts, actual, 'vxlan')).toEqual(commands);
  });
});
