import { createHash } from 'node:crypto';
import { type Command, cmd } from '../exec/command.js';

/**
 * The bridge gets a fixed MAC: otherwise Linux gives it the lowest MAC among its ports, which
 * changes as instances come and go, and every change leaves instances sending to the gateway's
 * old MAC until they look it up again.
 */
export function addBridge(bridge: string, mtu: number): Command {
  return cmd('ip', 'link', 'add', 'name', bridge, 'address', bridgeMac(bridge), 'mtu', String(mtu), 'type', 'bridge');
}

/** A locally administered unicast MAC derived from the bridge name (`02:` + 5 bytes of SHA-256). */
export function bridgeMac(bridge: string): string {
  const bytes = createHash('sha256').update(`bubo-bridge:${bridge}`).digest().subarray(0, 5);
  return ['02', ...[...bytes].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/**
 * Forgets the host's neighbour entry for a freed instance address, so the next instance given
 * that address (with another MAC) is reachable at once instead of after the entry goes stale.
 */
export function forgetNeighbour(bridge: string, address: string): Command {
  return cmd('ip', 'neigh', 'del', address, 'dev', bridge);
}

/** `ip -j -4 addr show dev <bridge>`: the bridge's IPv4 addresses as JSON. */
export function listBridgeAddresses(bridge: string): Command {
  return cmd('ip', '-j', '-4', 'addr', 'show', 'dev', bridge);
}

/** Gives the bridge the gateway address, e.g. `10.88.1.1/24`. */
export function addBridgeAddress(bridge: string, gateway: string, prefixLength: number): Command {
  return cmd('ip', 'addr', 'add', `${gateway}/${prefixLength}`, 'dev', bridge);
}

/** Routing between the bridge and the uplink; idempotent by nature. */
export function enableIpv4Forwarding(): Command {
  return cmd('sysctl', '-w', 'net.ipv4.ip_forward=1');
}
