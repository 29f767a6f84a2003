import { createHash } from 'node:crypto';
import { type Command, cmd } from '../exec/command.js';

/** The VXLAN network identifier every bubo host uses; one cluster is one segment. */
export const VXLAN_ID = 8842;
/** The IANA VXLAN port. */
export const VXLAN_PORT = 4789;
/** 1500 minus the 50 bytes of VXLAN over IPv4 (PLATFORM §4: larger DF packets are dropped silently). */
export const VXLAN_MTU = 1450;

/** `<bridge>-vx` (the bridge name cut to 12 characters, so at most 15): one per bridge. */
export function vxlanDeviceName(bridge: string): string {
  return `${bridge.slice(0, 12)}-vx`;
}

/**
 * The MAC of the VXLAN device of the host owning `subnet`, derived from the subnet: every host
 * computes every other host's without asking it, so the forwarding and neighbour entries are
 * static and VXLAN needs no learning or flooding. Locally administered, unicast.
 */
export function vtepMac(subnet: string): string {
  const bytes = createHash('sha256').update(`bubo-vtep:${subnet}`).digest().subarray(0, 5);
  return ['02', ...[...bytes].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/** The VXLAN device, sending from `local` (this host's address), without learning. */
export function addVxlan(device: string, local: string, mac: string, mtu: number): Command {
  return cmd('ip', 'link', 'add', 'name', device, 'address', mac, 'mtu', String(mtu), 'type', 'vxlan', 'id', String(VXLAN_ID), 'local', local, 'dstport', String(VXLAN_PORT), 'nolearning');
}

/** `bridge -j fdb show dev X`: where the device sends each MAC. */
export function listFdb(device: string): Command {
  return cmd('bridge', '-j', 'fdb', 'show', 'dev', device);
}

/** Frames for `mac` go to the host at `dst`. */
export function appendFdb(device: string, mac: string, dst: string): Command {
  return cmd('bridge', 'fdb', 'append', mac, 'dev', device, 'dst', dst);
}

export function deleteFdb(device: string, mac: string, dst: string): Command {
  return cmd('bridge', 'fdb', 'del', mac, 'dev', device, 'dst', dst);
}

/** `ip -j -4 neigh show dev X`. */
export function listNeighbours(device: string): Command {
  return cmd('ip', '-j', '-4', 'neigh', 'show', 'dev', device);
}

/** A permanent ARP entry: the other host's gateway address is its VXLAN device's MAC. */
export function replaceNeighbour(device: string, address: string, mac: string): Command {
  return cmd('ip', 'neigh', 'replace', address, 'lladdr', mac, 'dev', device, 'nud', 'permanent');
}

export function deleteNeighbour(device: string, address: string): Command {
  return cmd('ip', 'neigh', 'del', address, 'dev', device);
}
