import { AddressExhaustedError } from './address-exhausted-error.js';
import type { Ipv4Subnet } from './ipv4-subnet.js';

/** The lowest instance address of `subnet` (from `.2`) not in `used`; throws when none is left. */
export function allocateAddress(subnet: Ipv4Subnet, used: Iterable<string>): string {
  const taken = new Set(used);
  for (const address of subnet.instanceAddresses()) {
    if (!taken.has(address)) return address;
  }
  throw new AddressExhaustedError(subnet.cidr, taken.size);
}
