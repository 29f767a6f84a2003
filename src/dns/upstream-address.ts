import { isIP } from 'node:net';

/** A DNS server to forward to. */
export interface UpstreamAddress {
  host: string;
  port: number;
}

/**
 * Parses `"ip"`, `"ip:port"` or `"[ipv6]:port"` (port 53 when omitted). Throws a message that
 * names the bad value.
 */
export function parseUpstream(text: string): UpstreamAddress {
  const trimmed = text.trim();
  let host = trimmed;
  let port = 53;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed);
  if (bracketed) {
    host = bracketed[1]!;
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if (isIP(trimmed) === 0) {
    const colon = trimmed.lastIndexOf(':');
    host = trimmed.slice(0, colon);
    port = colon > 0 ? Number(trimmed.slice(colon + 1)) : Number.NaN;
  }
  if (isIP(host) === 0 || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(`Invalid DNS upstream "${text}": expected an IP address with an optional port, e.g. "192.0.2.1:53" or "[2001:db8::1]:53"`);
  }
  return { host, port };
}

/**
 * The `nameserver` lines of a resolv.conf text, port 53, in order. Lines with something other
 * than an IP address (a zone index like `fe80::1%eth0` is kept as the kernel accepts it) are skipped.
 */
export function parseResolvConf(text: string): UpstreamAddress[] {
  const servers: UpstreamAddress[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*nameserver\s+(\S+)/.exec(line);
    const host = match?.[1];
    if (host !== undefined && isIP(host.split('%')[0] ?? '') !== 0) servers.push({ host, port: 53 });
  }
  return servers;
}
