import { describe, expect, it } from 'vitest';
import type { CatalogHost } from '../api/catalog.js';
import { applyHostsDelta } from '../api/apply-hosts-delta.js';
import { PeersLog } from './peers-log.js';

const h = (name: string, address = `192.0.2.${name.slice(1)}`, subnet = `10.88.${name.slice(1)}.0/24`): CatalogHost => ({ name, address, subnet });

describe('PeersLog', () => {
  it('answers what changed between two recorded lists, later changes winning', () => {
    const log = new PeersLog();
    // Unchanged hosts, so that the diffs stay smaller than the list (see the bounds below).
    const rest = Array.from({ length: 10 }, (_, n) => h(`h${n + 10}`));
    log.record(1, [h('h1'), ...rest]);
    log.record(3, [h('h1'), h('h2'), h('h3'), ...rest]);
    log.record(4, [h('h1', '192.0.2.11'), h('h3'), ...rest]);
    log.record(6, [h('h1', '192.0.2.11'), h('h2'), h('h3'), ...rest]);
    const cases: [number, number, { changed: string[]; removed: string[] } | undefined][] = [
      [1, 3, { changed: ['h2', 'h3'], removed: [] }],
      [3, 4, { changed: ['h1'], removed: ['h2'] }],
      [1, 4, { changed: ['h3', 'h1'], removed: ['h2'] }],
      // Removed, then registered again: changed, not removed.
      [3, 6, { changed: ['h1', 'h2'], removed: [] }],
      [4, 4, { changed: [], removed: [] }],
      [2, 6, undefined], // never seen
      [6, 4, undefined], // backwards
    ];
    for (const [from, to, want] of cases) {
      const got = log.since(from, to);
      expect(got && { changed: got.changed.map((x) => x.name).sort(), removed: got.removed }, `${from} → ${to}`).toEqual(
        want && { changed: [...want.changed].sort(), removed: want.removed },
      );
    }
  });

  it('ignores an index it has already passed, and forgets entries past its bounds', () => {
    const log = new PeersLog(2);
    log.record(5, [h('h1')]);
    log.record(4, []); // older: ignored
    log.record(6, [h('h1'), h('h2')]);
    log.record(7, [h('h1'), h('h2'), h('h3')]);
    log.record(8, [h('h1'), h('h2'), h('h3'), h('h4')]);
    expect(log.since(5, 8)).toBeUndefined(); // only two diffs kept
    expect(log.since(6, 8)?.changed.map((x) => x.name)).toEqual(['h3', 'h4']);

    // Diffs holding more entries than the list itself are dropped: the whole list is as cheap.
    const churn = new PeersLog();
    churn.record(1, [h('h1')]);
    churn.record(2, [h('h2')]);
    churn.record(3, [h('h3')]);
    expect(churn.since(1, 3)).toBeUndefined();
    expect(churn.since(2, 3)).toEqual({ changed: [h('h3')], removed: ['h2'] });
  });

  it('gives, applied to the older list, exactly the newer one', () => {
    const rest = Array.from({ length: 20 }, (_, n) => h(`h${n + 10}`));
    const lists = [[h('h1'), h('h2')], [h('h2', '192.0.2.20'), h('h3'), h('h4')], [h('h1'), h('h4'), h('h5')], [h('h5')]].map((l) =>
      [...l, ...rest].sort((a, b) => a.name.localeCompare(b.name)),
    );
    const log = new PeersLog();
    for (const [i, list] of lists.entries()) log.record(i + 1, list);
    let checked = 0;
    for (let from = 0; from < lists.length; from++) {
      for (let to = from; to < lists.length; to++) {
        const delta = log.since(from + 1, to + 1);
        expect(delta, `${from + 1} → ${to + 1}`).toBeDefined();
        expect(applyHostsDelta(lists[from]!, delta!.changed, delta!.removed), `${from + 1} → ${to + 1}`).toEqual(lists[to]);
        checked++;
      }
    }
    expect(checked).toBe(10);
  });
});
