import { type Command, cmd } from '../exec/command.js';

/** The instance side of a veth pair is always called this inside its namespace. */
export const INSTANCE_INTERFACE = 'eth0';

/**
 * Creates the veth pair with its peer born inside the instance namespace as `eth0`, so there is
 * no moment where a temporary peer name sits in the host namespace.
 */
export function addVethPair(hostLink: string, netns: string, mtu: number): Command {
  return cmd('ip', 'link', 'add', 'name', hostLink, 'mtu', String(mtu), 'type', 'veth', 'peer', 'name', INSTANCE_INTERFACE, 'mtu', String(mtu), 'netns', netns);
}

export interface InstanceInterface {
  netns: string;
  address: string;
  prefixLength: number;
  gateway: string;
}

/** Address on `eth0`, `lo` and `eth0` up, default route via the bridge, in that order. */
export function configureInstanceInterface(config: InstanceInterface): Command[] {
  const { netns, address, prefixLength, gateway } = config;
  return [
    cmd('ip', '-n', netns, 'addr', 'add', `${address}/${prefixLength}`, 'dev', INSTANCE_INTERFACE),
    cmd('ip', '-n', netns, 'link', 'set', 'dev', 'lo', 'up'),
    cmd('ip', '-n', netns, 'link', 'set', 'dev', INSTANCE_INTERFACE, 'up'),
    cmd('ip', '-n', netns, 'route', 'add', 'default', 'via', gateway, 'dev', INSTANCE_INTERFACE),
  ];
}
