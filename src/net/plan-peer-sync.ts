import type { Command } from '../exec/command.js';
import type { Overlay, PeerHost } from './cluster-view.js';
import type { FdbEntry, NeighbourState, RouteState } from './ip-json.js';
import { ipv4ToInt, parseIpv4Subnet } from './ipv4-subnet.js';
import { deletePeerRoute, type PeerRoute, replacePeerRoute } from './route-commands.js';
import { appendFdb, deleteFdb, deleteNeighbour, replaceNeighbour, vtepMac } from './vxlan-commands.js';

export interface PeerSyncInput {
  /** This host: its own subnet and address are never routed to. */
  self: { subnet: string; address: string };
  hosts: readonly PeerHost[];
  overlay: Overlay;
  /** The VXLAN device (used when `overlay` is `vxlan`). */
  vxlanDevice: string;
  /** What the kernel holds: bubo's routes (`proto 176`), and the VXLAN device's fdb and neighbours. */
  actual: { routes: readonly RouteState[]; fdb: readonly FdbEntry[]; neighbours: readonly NeighbourState[] };
}

/**
 * The commands that bring bubo's routes (and, under VXLAN, the device's forwarding and neighbour
 * entries) to one per other host: its subnet via its address, or via its gateway over the VXLAN
 * device. Skips this host (by subnet or address), loopback addresses (several agents on one
 * machine reach each other's bridges locally) and entries that do not parse. Removes what no
 * listed host needs any more. Pure; an up-to-date kernel gives no commands.
 */
export function planPeerSync(input: PeerSyncInput): Command[] {
  const peers = usablePeers(input);
  const vxlan = input.overlay === 'vxlan';
  const device = input.vxlanDevice;
  const src = input.self.address ? { src: input.self.address } : {};
  const wantedRoutes: PeerRoute[] = peers.map((p) => (vxlan ? { dst: p.subnet, via: p.gateway, dev: device, ...src } : { dst: p.subnet, via: p.address, ...src }));
  const routes = new Map(input.actual.routes.map((r) => [r.dst, r]));
  const commands: Command[] = [];
  const wantedDst = new Set(wantedRoutes.map((r) => r.dst));
  for (const route of input.actual.routes) if (!wantedDst.has(route.dst)) commands.push(deletePeerRoute(route.dst));
  if (vxlan) {
    const wantedFdb = new Set(peers.map((p) => `${vtepMac(p.subnet)} ${p.address}`));
    for (const entry of input.actual.fdb) if (!wantedFdb.has(`${entry.mac} ${entry.dst}`)) commands.push(deleteFdb(device, entry.mac, entry.dst));
    const wantedNeighbours = new Set(peers.map((p) => p.gateway));
    for (const n of input.actual.neighbours) if (!wantedNeighbours.has(n.address)) commands.push(deleteNeighbour(device, n.address));
    const fdb = new Set(input.actual.fdb.map((e) => `${e.mac} ${e.dst}`));
    const neighbours = new Map(input.actual.neighbours.map((n) => [n.address, n]));
    for (const p of peers) {
      const mac = vtepMac(p.subnet);
      if (!fdb.has(`${mac} ${p.address}`)) commands.push(appendFdb(device, mac, p.address));
      const n = neighbours.get(p.gateway);
      if (n?.mac !== mac || !n.permanent) commands.push(replaceNeighbour(device, p.gateway, mac));
    }
  }
  for (const route of wantedRoutes) {
    const have = routes.get(route.dst);
    const same = have?.gateway === route.via && have.prefsrc === route.src && (route.dev ? have.dev === route.dev && have.onlink : !have.onlink);
    if (!same) commands.push(replacePeerRoute(route));
  }
  return commands;
}

interface UsablePeer extends PeerHost {
  gateway: string;
}

function usablePeers(input: PeerSyncInput): UsablePeer[] {
  const own = canonicalSubnet(input.self.subnet);
  const bySubnet = new Map<string, UsablePeer>();
  for (const host of [...input.hosts].sort((a, b) => a.name.localeCompare(b.name))) {
    const subnet = canonicalSubnet(host.subnet);
    if (subnet === null || subnet === own || host.address === input.self.address || !isRoutableAddress(host.address)) continue;
    // Two hosts never share a subnet; if a catalog said so, the first by name wins.
    if (!bySubnet.has(subnet)) bySubnet.set(subnet, { ...host, subnet, gateway: parseIpv4Subnet(subnet).gateway });
  }
  return [...bySubnet.values()];
}

function canonicalSubnet(cidr: string): string | null {
  try {
    return parseIpv4Subnet(cidr).cidr;
  } catch {
    return null;
  }
}

function isRoutableAddress(address: string): boolean {
  try {
    const value = ipv4ToInt(address);
    return Math.floor(value / 2 ** 24) !== 127 && value !== 0;
  } catch {
    return false;
  }
}
