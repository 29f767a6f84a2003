import { InvalidRequestError } from '../errors/invalid-request-error.js';

/** An IPv4 subnet such as `10.88.1.0/24`: the gateway is the first host, instances get the rest. */
export interface Ipv4Subnet {
  /** Canonical CIDR text, e.g. `10.88.1.0/24`. */
  cidr: string;
  prefixLength: number;
  /** First usable address (`.1`), held by the bridge. */
  gateway: string;
  /** Addresses instances may get, lowest first (`.2` … last before broadcast). */
  instanceAddresses(): Generator<string>;
  contains(address: string): boolean;
}

export function ipv4ToInt(address: string): number {
  const parts = address.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new InvalidRequestError(`"${address}" is not an IPv4 address (expected four numbers 0-255, like 10.88.1.2)`);
  }
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function intToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Parses `a.b.c.d/len` (len 8–30); the host bits must be zero. */
export function parseIpv4Subnet(cidr: string): Ipv4Subnet {
  const [address, lengthText, ...rest] = cidr.split('/');
  const prefixLength = Number(lengthText);
  if (address === undefined || rest.length > 0 || !/^\d+$/.test(lengthText ?? '') || prefixLength < 8 || prefixLength > 30) {
    throw new InvalidRequestError(`"${cidr}" is not a usable IPv4 subnet (expected a CIDR like 10.88.1.0/24, prefix 8-30)`);
  }
  const size = 2 ** (32 - prefixLength);
  const network = ipv4ToInt(address);
  if (network % size !== 0) {
    throw new InvalidRequestError(`"${cidr}" has host bits set; did you mean ${intToIpv4(network - (network % size))}/${prefixLength}?`);
  }
  return {
    cidr: `${intToIpv4(network)}/${prefixLength}`,
    prefixLength,
    gateway: intToIpv4(network + 1),
    *instanceAddresses() {
      for (let n = network + 2; n < network + size - 1; n++) yield intToIpv4(n);
    },
    contains(candidate) {
      const value = ipv4ToInt(candidate);
      return value >= network && value < network + size;
    },
  };
}
