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
