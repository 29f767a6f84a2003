import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite-store.js';
import { createCore } from './create-core.js';
import { waitForChange } from './wait-for-change.js';

describe('waitForChange', () => {
  it('answers at once when the caller is behind, and waits for a notify when it is current', async () => {
    const store = await openSqliteStore(':memory:');
    const { ctx } = createCore({ store });
    await store.incrementCounter('c');
    expect(await waitForChange(ctx, 'c', { index: 0, waitMs: 5_000 })).toBe(1);
    const waiting = waitForChange(ctx, 'c', { index: 1, waitMs: 5_000 });
    await store.incrementCounter('c');
    ctx.notifier.notify();
    expect(await waiting).toBe(2);
    expect(ctx.notifier.waiting).toBe(0);
    await store.close();
  });

  it('does not miss a change committed while it reads the counter', async () => {
    const store = await openSqliteStore(':memory:');
    const { ctx } = createCore({ store });
    // The change lands (and is notified) right after the read starts, before the read's answer.
    const realGet = store.getCounter.bind(store);
    let first = true;
    store.getCounter = async (name) => {
      const value = await realGet(name);
      if (first) {
        first = false;
        await store.incrementCounter(name);
        ctx.notifier.notify();
      }
      return value;
    };
    const started = Date.now();
    expect(await waitForChange(ctx, 'c', { index: 0, waitMs: 5_000 })).toBe(1);
    expect(Date.now() - started).toBeLessThan(2_000);
    await store.close();
  });

  it('keeps waiting through a wake-up that changed another counter', async () => {
    const store = await openSqliteStore(':memory:');
    const { ctx } = createCore({ store });
    const waiting = waitForChange(ctx, 'c', { index: 0, waitMs: 5_000 });
    let answered = false;
    void waiting.then(() => {
      answered = true;
    });
    await store.incrementCounter('other');
    ctx.notifier.notify();
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    await store.incrementCounter('c');
    ctx.notifier.notify();
    expect(await waiting).toBe(1);
    expect(ctx.notifier.waiting).toBe(0);
    await store.close();
  });

  it('gives up after waitMs with the unchanged index', async () => {
    const store = await openSqliteStore(':memory:');
    const { ctx } = createCore({ store });
    expect(await waitForChange(ctx, 'c', { index: 0, waitMs: 50 })).toBe(0);
    expect(ctx.notifier.waiting).toBe(0);
    await store.close();
  });
});
