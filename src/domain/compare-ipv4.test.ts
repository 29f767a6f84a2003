import { describe, expect, it } from 'vitest';
import { compareIpv4 } from './compare-ipv4.js';

describe('compareIpv4', () => {
  it.each([
    [['10.0.0.10', '10.0.0.9', '10.0.0.1'], ['10.0.0.1', '10.0.0.9', '10.0.0.10']],
    [['10.1.0.0', '10.0.255.255', '9.255.0.1'], ['9.255.0.1', '10.0.255.255', '10.1.0.0']],
    [['10.0.0.2', '10.0.0.2'], ['10.0.0.2', '10.0.0.2']],
  ])('sorts %j as %j', (input, sorted) => {
    expect([...input].sort(compareIpv4)).toEqual(sorted);
  });
});
