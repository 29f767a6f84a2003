import { describe, expect, it } from 'vitest';
import type { Host } from '../domain/host.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { allocateSubnet } from './allocate-subnet.js';
import { pickHostSubnet } from './pick-host-subnet.js';

describe('allocateSubnet', () => {
  it('gives the first host the second /24 of the range', () => {
    expect(allocateSubnet('10.88.0.0/16', new Set())).toBe('10.88.1.0/24');
  });

  it('skips subnets already held by other hosts', () => {
    expect(allocateSubnet('10.88.0.0/16', new Set(['10.88.1.0/24', '10.88.2.0/24']))).toBe('10.88.3.0/24');
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

describe('pickHostSubnet', () => {
  const host = (n: number, subnet: string): Host => ({
    id: `h${n}`, name: `h${n}`, group: 'web', address: '192.0.2.1', subnet,
    capacity: { millicpus: 1000, memoryMib: 1024, diskMib: 1024 }, runtimes: [], labels: {}, roles: [],
    cordoned: false, status: 'ready', registeredAt: 0, lastHeartbeatAt: 0,
  });

  it('hands out the /24s in order, skips taken ones, wraps around, and says when the range is full', async () => {
    const store = await openSqliteStore(':memory:');
    // A host from before the counter holds the second /24: it is skipped.
    await store.upsertHost(host(0, '10.0.2.0/24'));
    const picks: string[] = [];
    for (let n = 1; n <= 2; n++) {
      const subnet = await store.transaction((tx) => pickHostSubnet(tx, '10.0.0.0/22'));
      await store.upsertHost(host(n, subnet));
      picks.push(subnet);
    }
    expect(picks).toEqual(['10.0.1.0/24', '10.0.3.0/24']);
    await expect(store.transaction((tx) => pickHostSubnet(tx, '10.0.0.0/22'))).rejects.toThrow(/no free \/24.*--cluster-cidr/);
    await store.close();
  });
});
