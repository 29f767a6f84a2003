import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite-store.js';
import { createCore } from './create-core.js';
import { getCatalog } from './get-catalog.js';
import { registerHost } from './register-host.js';

describe('getCatalog and the host list', () => {
  it('sends the host list to pollers without the current one only, and a joining host changes both indexes', async () => {
    const store = await openSqliteStore(':memory:');
    const { ctx } = createCore({ store, options: { peersAnnounceMs: 10 } });
    const register = (name: string, address: string) =>
      registerHost(ctx, {
        name,
        group: 'web',
        address,
        capacity: { cpus: 2, memory_mib: 2048, disk_mib: 10_000 },
        runtimes: [{ name: 'runc', kind: 'container', available: true }],
        labels: {},
        roles: [],
      });
    await register('h1', '192.0.2.1');
    const first = await getCatalog(ctx, { index: 0, waitMs: 0 });
    expect(first.hosts?.map((h) => h.name)).toEqual(['h1']);
    const slim = await getCatalog(ctx, { index: 0, waitMs: 0, peers: first.peers_index });
    expect(slim.hosts).toBeUndefined();
    expect(slim.index).toBe(first.index);

    // A poller holding the list waits; a new host wakes it with the new list.
    const waiting = getCatalog(ctx, { index: first.index, waitMs: 60_000, peers: first.peers_index });
    await register('h2', '192.0.2.2');
    const woken = await waiting;
    expect(woken.index).toBeGreaterThan(first.index);
    expect(woken.peers_index).toBeGreaterThan(first.peers_index!);
    expect(woken.hosts?.map((h) => `${h.name} ${h.address} ${h.subnet}`)).toEqual(['h1 192.0.2.1 10.88.1.0/24', 'h2 192.0.2.2 10.88.2.0/24']);

    // Registering again at the same address changes nothing; a new address is a new list.
    const before = await getCatalog(ctx, { index: 0, waitMs: 0 });
    await register('h2', '192.0.2.2');
    expect((await getCatalog(ctx, { index: 0, waitMs: 0 })).peers_index).toBe(before.peers_index);
    await register('h2', '192.0.2.22');
    // Announced within the coalescing window: a long-poll from the last index sees it.
    const moved = await getCatalog(ctx, { index: before.index, waitMs: 60_000, peers: before.peers_index });
    expect(moved.hosts?.find((h) => h.name === 'h2')?.address).toBe('192.0.2.22');
    await store.close();
  });
});
