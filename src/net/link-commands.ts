import { type Command, cmd } from '../exec/command.js';

/** `ip -j link show`: every link of the (current) network namespace as JSON. */
export function listLinks(): Command {
  return cmd('ip', '-j', 'link', 'show');
}

export function setLinkUp(link: string): Command {
  return cmd('ip', 'link', 'set', 'dev', link, 'up');
}

export function setLinkMtu(link: string, mtu: number): Command {
  return cmd('ip', 'link', 'set', 'dev', link, 'mtu', String(mtu));
}

/** Puts a host-side device (veth end or tap) on the bridge with the instance MTU, and up. */
export function enslaveLink(link: string, bridge: string, mtu: number): Command {
  return cmd('ip', 'link', 'set', 'dev', link, 'mtu', String(mtu), 'master', bridge, 'up');
}

/** Deletes a link; deleting one end of a veth pair deletes both. */
export function deleteLink(link: string): Command {
  return cmd('ip', 'link', 'del', 'dev', link);
}
