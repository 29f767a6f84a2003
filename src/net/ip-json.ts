/**
 * Readers for `ip -j` output. They keep only the fields bubo uses and tolerate empty output
 * (`ip -j netns list` prints nothing when there are no namespaces).
 */

export interface LinkState {
  name: string;
  /** Administratively up (`UP` in flags), whatever the carrier. */
  up: boolean;
  /** The bridge the link is enslaved to, if any. */
  master: string | undefined;
  mtu: number;
}

/** Parses `ip -j link show`. */
export function parseLinks(stdout: string): LinkState[] {
  return parseArray(stdout).map((raw) => {
    const link = raw as { ifname?: unknown; flags?: unknown; master?: unknown; mtu?: unknown };
    return {
      name: String(link.ifname),
      up: Array.isArray(link.flags) && link.flags.includes('UP'),
      master: typeof link.master === 'string' ? link.master : undefined,
      mtu: Number(link.mtu),
    };
  });
}

/** Parses `ip -j netns list` into namespace names. */
export function parseNetnsList(stdout: string): string[] {
  return parseArray(stdout).map((raw) => String((raw as { name?: unknown }).name));
}

/** Parses `ip -j -4 addr show dev X` into `address/prefix` strings. */
export function parseAddresses(stdout: string): string[] {
  return parseArray(stdout).flatMap((raw) => {
    const info = (raw as { addr_info?: unknown }).addr_info;
    if (!Array.isArray(info)) return [];
    return info.map((a: { local?: unknown; prefixlen?: unknown }) => `${String(a.local)}/${String(a.prefixlen)}`);
  });
}

function parseArray(stdout: string): unknown[] {
  if (stdout.trim() === '') return [];
  const parsed: unknown = JSON.parse(stdout);
  if (!Array.isArray(parsed)) throw new Error(`Unexpected \`ip -j\` output (not a JSON array): ${stdout.slice(0, 200)}`);
  return parsed;
}

/** One route of `ip -j -4 route show …`: the fields bubo compares. */
export interface RouteState {
  dst: string;
  gateway: string | undefined;
  dev: string | undefined;
  prefsrc: string | undefined;
  onlink: boolean;
}

/** Parses `ip -j -4 route show`. */
export function parseRoutes(stdout: string): RouteState[] {
  return parseArray(stdout).map((raw) => {
    const route = raw as { dst?: unknown; gateway?: unknown; dev?: unknown; prefsrc?: unknown; flags?: unknown };
    return {
      dst: String(route.dst),
      gateway: typeof route.gateway === 'string' ? route.gateway : undefined,
      dev: typeof route.dev === 'string' ? route.dev : undefined,
      prefsrc: typeof route.prefsrc === 'string' ? route.prefsrc : undefined,
      onlink: Array.isArray(route.flags) && route.flags.includes('onlink'),
    };
  });
}

/** A forwarding entry of a VXLAN device (`bridge -j fdb show dev X`): a MAC and the host it is sent to. */
export interface FdbEntry {
  mac: string;
  /** The remote host's address; entries without one (the device's own) are left out. */
  dst: string;
}

/** Parses `bridge -j fdb show dev X`, keeping the entries that name a remote `dst`. */
export function parseFdb(stdout: string): FdbEntry[] {
  return parseArray(stdout).flatMap((raw) => {
    const entry = raw as { mac?: unknown; dst?: unknown };
    return typeof entry.mac === 'string' && typeof entry.dst === 'string' ? [{ mac: entry.mac, dst: entry.dst }] : [];
  });
}

/** A neighbour (ARP) entry of `ip -j -4 neigh show dev X`. */
export interface NeighbourState {
  address: string;
  mac: string | undefined;
  permanent: boolean;
}

/** Parses `ip -j -4 neigh show dev X`. */
export function parseNeighbours(stdout: string): NeighbourState[] {
  return parseArray(stdout).map((raw) => {
    const entry = raw as { dst?: unknown; lladdr?: unknown; state?: unknown };
    return {
      address: String(entry.dst),
      mac: typeof entry.lladdr === 'string' ? entry.lladdr : undefined,
      permanent: Array.isArray(entry.state) && entry.state.includes('PERMANENT'),
    };
  });
}
