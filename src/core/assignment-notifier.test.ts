import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite-store.js';
import { AssignmentNotifier, WAKE_BATCH } from './assignment-notifier.js';
import { createCore } from './create-core.js';
import { getAssignments } from './get-assignments.js';
import { getCatalog } from './get-catalog.js';
import { assignmentsKey, markAssignmentsChanged } from './mark-assignments-changed.js';
import { CATALOG_COUNTER, markCatalogChanged } from './mark-catalog-changed.js';
import { waitForChange } from './wait-for-change.js';
import { registerHost } from './register-host.js';

async function setup() {
  const store = await openSqliteStore(':memory:');
  const { ctx } = createCore({ store });
  const register = async (name: string) =>
    (
      await registerHost(ctx, {
        name,
        group: 'web',
        address: '192.0.2.1',
        capacity: { cpus: 2, memory_mib: 2048, disk_mib: 10_000 },
        runtimes: [{ name: 'runc', kind: 'container', available: true }],
        labels: {},
        roles: [],
      })
    ).host_id;
  return { store, ctx, register };
}

/** Marks `hostIds` changed in one transaction and notifies, as the writers do. */
async function change(ctx: Awaited<ReturnType<typeof setup>>['ctx'], hostIds: string[], catalog = false) {
  const changed = new Set<string>();
  await ctx.store.transaction(async (tx) => {
    await markAssignmentsChanged(tx, hostIds, changed);
    if (catalog) await markCatalogChanged(tx, changed);
  });
  ctx.notifier.notify(changed);
}

describe('assignment long-polls wake by host', () => {
  const cases: { name: string; hosts: number; changed: number[]; woken: number[] }[] = [
    { name: 'one host changed: only its poll answers', hosts: 4, changed: [2], woken: [2] },
    { name: 'two hosts changed in one transaction: both answer, the rest wait', hosts: 5, changed: [0, 3], woken: [0, 3] },
    { name: 'the same host named twice is bumped once', hosts: 3, changed: [1, 1], woken: [1] },
    { name: 'nothing changed: nobody answers', hosts: 3, changed: [], woken: [] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { store, ctx, register } = await setup();
      const ids: string[] = [];
      for (let n = 0; n < c.hosts; n++) ids.push(await register(`h${n}`));
      const aborts = ids.map(() => new AbortController());
      const answered = new Set<number>();
      const polls = ids.map((hostId, n) =>
        getAssignments(ctx, { hostId, index: 0, waitMs: 60_000, signal: aborts[n]!.signal }).then((answer) => {
          if (!aborts[n]!.signal.aborted) answered.add(n);
          return answer;
        }),
      );
      while (ctx.notifier.waiting() < c.hosts) await new Promise((r) => setImmediate(r));
      await change(ctx, c.changed.map((n) => ids[n]!));
      await Promise.all(c.woken.map((n) => polls[n]));
      // Whoever was not woken is still registered, on its own key.
      for (let n = 0; n < c.hosts; n++) expect(ctx.notifier.waiting(assignmentsKey(ids[n]!))).toBe(c.woken.includes(n) ? 0 : 1);
      for (const a of aborts) a.abort();
      const answers = await Promise.all(polls);
      expect([...answered].sort()).toEqual(c.woken);
      for (const n of c.woken) expect(answers[n]!.index).toBe(1);
      await store.close();
    });
  }

  it('never misses a change committed and notified between the registration and the read', async () => {
    const { store, ctx, register } = await setup();
    const hostId = await register('h0');
    const key = assignmentsKey(hostId);
    const realGet = store.getCounter.bind(store);
    let first = true;
    store.getCounter = async (name) => {
      const value = await realGet(name);
      if (first && name === key) {
        first = false;
        await change(ctx, [hostId]);
      }
      return value;
    };
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 10_000);
    const answer = await getAssignments(ctx, { hostId, index: 0, waitMs: 60_000, signal: abort.signal });
    clearTimeout(timer);
    expect(abort.signal.aborted).toBe(false);
    expect(answer.index).toBe(1);
    await store.close();
  });

  it('a waiter that joins a shared read after a notify reads again', async () => {
    const { store, ctx } = await setup();
    // The first waiter's read is in flight when a change lands and is notified; the second
    // waiter registers after that notify and must not take the first read's (stale) answer.
    const realGet = store.getCounter.bind(store);
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    let reads = 0;
    store.getCounter = async (name) => {
      reads++;
      const value = await realGet(name);
      if (reads === 1) await gate;
      return value;
    };
    const abort = new AbortController();
    const first = waitForChange(ctx, 'k', { index: 0, waitMs: 60_000, signal: abort.signal });
    await store.incrementCounter('k');
    ctx.notifier.notify(['k']);
    const second = waitForChange(ctx, 'k', { index: 0, waitMs: 60_000, signal: abort.signal });
    release();
    expect(await second).toBe(1);
    expect(await first).toBe(1);
    expect(abort.signal.aborted).toBe(false);
    await store.close();
  });
});

describe('catalog long-polls', () => {
  it.each([1, 10, 500])('%i pollers woken by one change share one read of the counter per wake batch and one build', async (pollers) => {
    const { store, ctx } = await setup();
    await change(ctx, [], true);
    const first = await getCatalog(ctx, { index: 0, waitMs: 0 });
    expect(ctx.catalog.builds).toBe(1);
    const realGet = store.getCounter.bind(store);
    let reads = 0;
    store.getCounter = (name) => {
      // The catalog's own counter: building an answer also reads the host-list index once.
      if (name === CATALOG_COUNTER) reads++;
      return realGet(name);
    };
    const polls = Array.from({ length: pollers }, () => getCatalog(ctx, { index: first.index, waitMs: 60_000 }));
    while (ctx.notifier.waiting() < pollers) await new Promise((r) => setImmediate(r));
    const readsWhileRegistering = reads;
    await change(ctx, [], true);
    const answers = await Promise.all(polls);
    expect(ctx.catalog.builds).toBe(2);
    // One read per wake batch (AssignmentNotifier.notify wakes WAKE_BATCH per event-loop turn).
    expect(reads - readsWhileRegistering).toBeLessThanOrEqual(Math.ceil(pollers / WAKE_BATCH));
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]!.index).toBe(first.index + 1);
    await store.close();
  });

  it('a host change does not wake catalog polls, and a catalog change does not wake assignment polls', async () => {
    const { store, ctx, register } = await setup();
    const hostId = await register('h0');
    // Registering changed the catalog (the new host's subnet): wait from the index it made.
    const current = (await getCatalog(ctx, { index: 0, waitMs: 0 })).index;
    const abort = new AbortController();
    const catalog = getCatalog(ctx, { index: current, waitMs: 60_000, signal: abort.signal });
    const assignments = getAssignments(ctx, { hostId, index: 0, waitMs: 60_000, signal: abort.signal });
    while (ctx.notifier.waiting() < 2) await new Promise((r) => setImmediate(r));
    await change(ctx, [hostId]);
    expect((await assignments).index).toBe(1);
    expect(ctx.notifier.waiting('catalog')).toBe(1);
    abort.abort();
    expect((await catalog).index).toBe(current);
    await store.close();
  });
});

describe('AssignmentNotifier.notify', () => {
  it('wakes every waiter, a batch per event-loop turn, so other work runs between batches', async () => {
    const notifier = new AssignmentNotifier();
    const order: string[] = [];
    const waits = Array.from({ length: WAKE_BATCH * 3 + 1 }, (_, n) =>
      notifier.wait('catalog', new AbortController().signal).then(() => order.push(`w${n}`)),
    );
    notifier.notify(['catalog']);
    // Queued after the notify: it must run before the last batch, not after every waiter.
    const other = new Promise<void>((resolve) => setImmediate(() => resolve(void order.push('other'))));
    await Promise.all([...waits, other]);
    expect(order.filter((o) => o.startsWith('w'))).toHaveLength(WAKE_BATCH * 3 + 1);
    const at = order.indexOf('other');
    expect(at).toBeGreaterThanOrEqual(WAKE_BATCH);
    expect(at).toBeLessThan(WAKE_BATCH * 3 + 1);
    expect(notifier.waiting()).toBe(0);
  });
});
