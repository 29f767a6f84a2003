import { isIPv4, isIP } from 'node:net';

/**
 * The names the server's TLS certificate is valid for: `--tls-san` values when given, else the
 * machine's host name and non-loopback IPv4 addresses; always the listen address when it is a
 * specific one, and loopback (agents and admins on the server machine). Split into DNS names
 * and IP addresses.
 */
export function serverSans(input: {
  listenHost: string;
  extra: readonly string[];
  hostname: string;
  interfaceAddresses: readonly string[];
}): { dnsNames: string[]; ips: string[] } {
  const names = new Set<string>(['127.0.0.1', 'localhost']);
  if (input.listenHost !== '0.0.0.0' && input.listenHost !== '::') names.add(input.listenHost);
  if (input.extra.length > 0) for (const name of input.extra) names.add(name);
  else {
    if (input.hostname) names.add(input.hostname);
    for (const address of input.interfaceAddresses) if (isIPv4(address) && !address.startsWith('127.')) names.add(address);
  }
  const all = [...names];
  return { dnsNames: all.filter((n) => isIP(n) === 0), ips: all.filter((n) => isIP(n) !== 0) };
}
