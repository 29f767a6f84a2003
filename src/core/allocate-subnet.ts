import { DomainError } from '../errors/domain-error.js';

/**
 * Picks the first free /24 of the cluster range for a new host. The range's first /24 is kept
 * back (it would hold the network address of the whole range, which confuses people reading
 * routes), so a /16 yields 255 host subnets.
 */
export function allocateSubnet(clusterCidr: string, used: ReadonlySet<string>): string {
  const count = subnetCount(clusterCidr);
  for (let i = 1; i <= count; i++) {
    const subnet = subnetAt(clusterCidr, i);
    if (!used.has(subnet)) return subnet;
  }
  throw new DomainError(
    'cluster_full',
    `cluster range ${clusterCidr} has no free /24 left for another host (${count} in use); start the server with a larger --cluster-cidr`,
  );
}

/** How many host /24s the range holds (its first /24 is kept back, see `allocateSubnet`). */
export function subnetCount(clusterCidr: string): number {
  const { prefix } = parseCidr(clusterCidr);
  if (prefix > 24) throw new DomainError('invalid_config', `cluster range ${clusterCidr} is smaller than a /24`);
  return 2 ** (24 - prefix) - 1;
}

/** The `i`th host /24 of the range, from 1 to `subnetCount`. */
export function subnetAt(clusterCidr: string, i: number): string {
  return `${formatIpv4(parseCidr(clusterCidr).base + i * 256)}/24`;
}

export function parseCidr(cidr: string): { base: number; prefix: number } {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = match ? match.slice(1, 5).map(Number) : [];
  const prefix = match ? Number(match[5]) : -1;
  if (!match || octets.some((o) => o > 255) || prefix < 8 || prefix > 30) {
    throw new DomainError('invalid_config', `"${cidr}" is not an IPv4 range like 10.88.0.0/16`);
  }
  const ip = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  return { base: ip - (ip % size), prefix };
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
