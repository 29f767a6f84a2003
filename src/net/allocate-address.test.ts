import { describe, expect, it } from 'vitest';
import { AddressExhaustedError } from './address-exhausted-error.js';
import { allocateAddress } from './allocate-address.js';
import { parseIpv4Subnet } from './ipv4-subnet.js';

const subnet = parseIpv4Subnet('10.88.1.0/24');

describe('allocateAddress', () => {
  it.each([
    ['gives .2 first, because .1 is the bridge', [], '10.88.1.2'],
    ['gives the next address after the used ones', ['10.88.1.2', '10.88.1.3'], '10.88.1.4'],
    ['reuses the lowest freed address', ['10.88.1.2', '10.88.1.4'], '10.88.1.3'],
    ['gives .254 last, never the broadcast address', Array.from({ length: 252 }, (_, i) => `10.88.1.${i + 2}`), '10.88.1.254'],
  ])('%s', (_name, used, expected) => {
    expect(allocateAddress(subnet, used)).toBe(expected);
  });

  it('names the subnet when every address is taken', () => {
    const used = Array.from({ length: 253 }, (_, i) => `10.88.1.${i + 2}`);
    expect(() => allocateAddress(subnet, used)).toThrow(AddressExhaustedError);
    expect(() => allocateAddress(subnet, used)).toThrow(/all 253 addresses of 10\.88\.1\.0\/24 are in use/);
  });

  it('works for smaller subnets', () => {
    const small = parseIpv4Subnet('10.88.2.0/30');
    expect(allocateAddress(small, [])).toBe('10.88.2.2');
    expect(() => allocateAddress(small, ['10.88.2.2'])).toThrow(/10\.88\.2\.0\/30/);
  });
});

describe('parseIpv4Subnet', () => {
  it('puts the gateway on .1', () => {
    expect(parseIpv4Subnet('10.88.7.0/24').gateway).toBe('10.88.7.1');
  });

  it.each(['10.88.1.1/24', '10.88.1.0', '10.88.1.0/31', '10.300.1.0/24', 'x/24'])('rejects %s with a hint', (cidr) => {
    expect(() => parseIpv4Subnet(cidr)).toThrow(/like 10\.88\.1\.|did you mean 10\.88\.1\.0\/24/);
  });
});
