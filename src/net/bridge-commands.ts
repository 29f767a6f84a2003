import { type Command, cmd } from '../exec/command.js';

export function addBridge(bridge: string, mtu: number): Command {
  return cmd('ip', 'link', 'add', 'name', bridge, 'mtu', String(mtu), 'type', 'bridge');
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
