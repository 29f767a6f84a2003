import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
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
    ctx.notifier.notify(['c']);
    expect(await waiting).toBe(2);
    expect(ctx.notifier.waiting()).toBe(0);
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
        ctx.notifier.notify([name]);
      }
      return value;
    };
    const started = Date.now();
    expect(await waitForChange(ctx, 'c', { index: 0, waitMs: 5_000 })).toBe(1);
    expect(Date.now() - started).toBeLessThan(2_000);
    await store.close();
  });

  it('keeps waiting through a wake-up of its key that did not move its counter', async () => {
    const store = await openSqliteStore(':memory:');
    const { ctx } = createCore({ store });
    const waiting = waitForChange(ctx, 'c', { index: 0, waitMs: 5_000 });
    let answered = false;
    void waiting.then(() => {
      answered = true;
    });
    await store.incrementCounter('other');
    ctx.notifier.notify(['c', 'other']);
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    await store.incrementCounter('c');
    ctx.notifier.notify(['c']);
    expect(await waiting).toBe(1);
    expect(ctx.notifier.waiting()).toBe(0);
    await store.close();
  });

  it('gives up after waitMs with the unchanged index', async () => {
    const store = await openSqliteStore(':memory:');
    const { ctx } = createCore({ store });
    expect(await waitForChange(ctx, 'c', { index: 0, waitMs: 50 })).toBe(0);
    expect(ctx.notifier.waiting()).toBe(0);
    await store.close();
  });

  it('gives up after waitMs even when a garbage collection runs while it waits', async () => {
    // In a child with --expose-gc: a timeout signal held only by AbortSignal.any is collected by
    // a GC on Node 20 and never fires; the poll must still end on time.
    const script = `
      import { openSqliteStore } from ${JSON.stringify(fileURLToPath(new URL('../store/sqlite-store.ts', import.meta.url)))};
      import { createCore } from ${JSON.stringify(fileURLToPath(new URL('./create-core.ts', import.meta.url)))};
      import { waitForChange } from ${JSON.stringify(fileURLToPath(new URL('./wait-for-change.ts', import.meta.url)))};
      const store = await openSqliteStore(':memory:');
      const { ctx } = createCore({ store });
      setTimeout(() => globalThis.gc(), 50);
      const keepAlive = setTimeout(() => { console.log('hung'); process.exit(1); }, 3000);
      const started = Date.now();
      const index = await waitForChange(ctx, 'c', { index: 0, waitMs: 300 });
      clearTimeout(keepAlive);
      console.log(JSON.stringify({ index, ms: Date.now() - started }));
      await store.close();
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], { timeout: 20_000 });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { index: number; ms: number };
    expect(result.index).toBe(0);
    expect(result.ms).toBeLessThan(2_000);
  }, 30_000);
});

