import { describe, expect, it } from 'vitest';
import { allocateSubnet } from './allocate-subnet.js';

describe('allocateSubnet', () => {
  it('gives the first host the second /24 of the range', () => {
    expect(allocateSubnet('10.88.0.0/16', new Set())).toBe('10.88.1.0/24');
  });

  it('skips subnets already held by other hosts', () => {
    expect(allocateSubnet('10.88.0.0/16', new Set(['10.88.1.0/24', '10.88.2.0/24']))).toBe('10.88.3.0/24');
  });

  it('starts at the given /24 and wraps around to the first free one', () => {
    expect(allocateSubnet('10.0.0.0/22', new Set(), 3)).toBe('10.0.3.0/24');
    expect(allocateSubnet('10.0.0.0/22', new Set(['10.0.3.0/24']), 3)).toBe('10.0.1.0/24');
    expect(allocateSubnet('10.0.0.0/22', new Set(['10.0.1.0/24']), 7)).toBe('10.0.2.0/24');
  });

  it('normalises a range written with host bits set', () => {
    expect(allocateSubnet('10.88.7.9/16', new Set())).toBe('10.88.1.0/24');
  });

  it('says the range is full and how to fix it', () => {
    const used = new Set(['10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/24']);
    expect(() => allocateSubnet('10.0.0.0/22', used)).toThrow(/no free \/24.*--cluster-cidr/);
  });

  it.each(['10.88.0.0', '10.300.0.0/16', '10.0.0.0/31', 'ten/8'])('rejects the malformed range %s', (cidr) => {
    expect(() => allocateSubnet(cidr, new Set())).toThrow(/is not an IPv4 range/);
  });
});
