import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite-store.js';
import { AssignmentNotifier } from './assignment-notifier.js';
import { CATALOG_COUNTER } from './mark-catalog-changed.js';
import { POLLS_PER_WINDOW, PeersAnnouncer } from './peers-announcer.js';

describe('PeersAnnouncer', () => {
  it('turns a burst of host-list changes into one catalog change that wakes the catalog polls', async () => {
    const store = await openSqliteStore(':memory:');
    const notifier = new AssignmentNotifier();
    const announcer = new PeersAnnouncer(store, notifier, 60_000, (error) => {
      throw error;
    });
    const woken = notifier.wait(CATALOG_COUNTER, new AbortController().signal);
    for (let n = 0; n < 100; n++) announcer.schedule();
    expect(await store.getCounter(CATALOG_COUNTER)).toBe(0);
    await announcer.flush();
    await woken;
    expect(await store.getCounter(CATALOG_COUNTER)).toBe(1);
    await announcer.flush(); // nothing due: no second change
    expect(await store.getCounter(CATALOG_COUNTER)).toBe(1);
    await store.close();
  });

  it('announces on its own once the window has passed', async () => {
    const store = await openSqliteStore(':memory:');
    const notifier = new AssignmentNotifier();
    const announcer = new PeersAnnouncer(store, notifier, 5, (error) => {
      throw error;
    });
    const woken = notifier.wait(CATALOG_COUNTER, new AbortController().signal);
    announcer.schedule();
    await woken;
    expect(await store.getCounter(CATALOG_COUNTER)).toBe(1);
    await store.close();
  });

  it('waits longer with more catalog polls open than one window answers', async () => {
    const store = await openSqliteStore(':memory:');
    const notifier = new AssignmentNotifier();
    const announcer = new PeersAnnouncer(store, notifier, 20, (error) => {
      throw error;
    });
    const polls = new AbortController();
    const woken = Array.from({ length: 10 * POLLS_PER_WINDOW }, () => notifier.wait(CATALOG_COUNTER, polls.signal));
    const started = Date.now();
    announcer.schedule();
    await Promise.all(woken);
    // Ten windows' worth of polls: ten times the 20 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(await store.getCounter(CATALOG_COUNTER)).toBe(1);
    await store.close();
  });
});
