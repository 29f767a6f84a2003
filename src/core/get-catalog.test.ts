import { describe, expect, it } from 'vitest';
import { applyHostsDelta } from '../api/apply-hosts-delta.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { CoreContext } from './core-context.js';
import { createCore } from './create-core.js';
import { getCatalog } from './get-catalog.js';
import { registerHost } from './register-host.js';

/** A runc host of group `web` with room to spare. */
const registerWebHost = (ctx: CoreContext, name: string, address: string) =>
  registerHost(ctx, {
    name,
    group: 'web',
    address,
    capacity: { cpus: 2, memory_mib: 2048, disk_mib: 10_000 },
    runtimes: [{ name: 'runc', kind: 'container', available: true }],
    labels: {},
    roles: [],
  });

describe('getCatalog and the host list', () => {
  it('sends the host list to pollers without the current one only, and a joining host changes both indexes', async () => {
    const store = await openSqliteStore(':memory:');
    const { ctx } = createCore({ store, options: { peersAnnounceMs: 10 } });
    const register = (name: string, address: string) => registerWebHost(ctx, name, address);
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

  it('sends a poller that applies changes only the hosts that changed since its list, and the whole list to one that does not', async () => {
    const store = await openSqliteStore(':memory:');
    const { ctx, peers } = createCore({ store, options: { peersAnnounceMs: 60_000 } });
    const register = (name: string, address: string) => registerWebHost(ctx, name, address);
    for (let n = 1; n <= 5; n++) await register(`h${n}`, `192.0.2.${n}`);
    await peers.flush();
    const first = await getCatalog(ctx, { index: 0, waitMs: 0 });
    expect(first.hosts).toHaveLength(5);

    const waiting = getCatalog(ctx, { index: first.index, waitMs: 60_000, peers: first.peers_index, peersDelta: true });
    const old = getCatalog(ctx, { index: first.index, waitMs: 60_000, peers: first.peers_index });
    await register('h6', '192.0.2.6');
    await register('h2', '192.0.2.22');
    await peers.flush();
    const delta = await waiting;
    expect(delta.hosts).toBeUndefined();
    expect(delta.hosts_since).toBe(first.peers_index);
    expect(delta.hosts_changed?.map((h) => `${h.name} ${h.address}`).sort()).toEqual(['h2 192.0.2.22', 'h6 192.0.2.6']);
    expect(delta.hosts_removed).toEqual([]);
    // Applied to the list it held, the poller has what a new poller gets whole.
    const whole = await old;
    expect(whole.hosts).toHaveLength(6);
    expect(applyHostsDelta(first.hosts!, delta.hosts_changed!, delta.hosts_removed!)).toEqual(whole.hosts);
    expect(whole.peers_index).toBe(delta.peers_index);

    // An index this server never handed out (another server's, or before a restart): the whole list.
    const unknown = await getCatalog(ctx, { index: 0, waitMs: 0, peers: first.peers_index! + 1, peersDelta: true });
    expect(unknown.hosts).toHaveLength(6);
    expect(unknown.hosts_changed).toBeUndefined();
    await store.close();
  });
});
