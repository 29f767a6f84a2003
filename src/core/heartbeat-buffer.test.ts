import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite-store.js';
import { HeartbeatBuffer } from './heartbeat-buffer.js';

describe('HeartbeatBuffer', () => {
  it('writes the latest heartbeat of every host in one transaction, and nothing when none came', async () => {
    const store = await openSqliteStore(':memory:');
    const base = { group: 'g', address: '192.0.2.1', capacity: { millicpus: 1000, memoryMib: 1, diskMib: 1 }, runtimes: [], labels: {}, roles: [], cordoned: false, status: 'ready' as const, registeredAt: 0, lastHeartbeatAt: 0 };
    await store.ensureGroup('g', 0);
    for (const n of [1, 2]) await store.upsertHost({ ...base, id: `h${n}`, name: `h${n}`, subnet: `10.88.${n}.0/24` });
    let transactions = 0;
    const real = store.transaction.bind(store);
    store.transaction = (fn) => {
      transactions++;
      return real(fn);
    };
    const buffer = new HeartbeatBuffer();
    buffer.record('h1', 10);
    buffer.record('h2', 11);
    buffer.record('h1', 12);
    await buffer.flush(store);
    expect(transactions).toBe(1);
    expect((await store.getHost('h1'))?.lastHeartbeatAt).toBe(12);
    expect((await store.getHost('h2'))?.lastHeartbeatAt).toBe(11);
    await buffer.flush(store);
    expect(transactions).toBe(1);
    await store.close();
  });
});
