import { type Command, cmd } from '../exec/command.js';

/**
 * The routing protocol number bubo's routes carry (`proto 176`, unassigned in iproute2's
 * rt_protos): it marks them as bubo's, so reconciling lists and removes only its own routes and
 * never a route a sysadmin or another daemon added.
 */
export const BUBO_ROUTE_PROTOCOL = '176';

/** A route to another host's instance subnet. */
export interface PeerRoute {
  /** The other host's subnet, e.g. `10.88.2.0/24`. */
  dst: string;
  /** Next hop: the other host's address (routes), or its bridge gateway over VXLAN. */
  via: string;
  /** Set for VXLAN: the device, with `onlink` (the next hop is not on a subnet of the device). */
  dev?: string;
  /** Source address for traffic this host itself sends there (its registered address). */
  src?: string;
}

/** `ip -j -4 route show proto 176`: bubo's routes as JSON. */
export function listPeerRoutes(): Command {
  return cmd('ip', '-j', '-4', 'route', 'show', 'proto', BUBO_ROUTE_PROTOCOL);
}

/** Adds or changes the route to `dst` (idempotent: `replace`). */
export function replacePeerRoute(route: PeerRoute): Command {
  return cmd(
    'ip',
    'route',
    'replace',
    route.dst,
    'via',
    route.via,
    ...(route.dev ? ['dev', route.dev, 'onlink'] : []),
    ...(route.src ? ['src', route.src] : []),
    'proto',
    BUBO_ROUTE_PROTOCOL,
  );
}

export function deletePeerRoute(dst: string): Command {
  return cmd('ip', 'route', 'del', dst, 'proto', BUBO_ROUTE_PROTOCOL);
}

/** Removes every bubo route (teardown). */
export function flushPeerRoutes(): Command {
  return cmd('ip', 'route', 'flush', 'proto', BUBO_ROUTE_PROTOCOL);
}
