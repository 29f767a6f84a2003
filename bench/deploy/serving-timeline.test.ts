import { describe, expect, it } from 'vitest';
import type { Sample } from './lb-observer.js';
import { servingTimeline } from './serving-timeline.js';

const s = (at: number, version: string | null, instance: string | null = version && `i-${version}`): Sample => ({ at, version, instance });

describe('servingTimeline', () => {
  it.each([
    ['all new from the first answer', [s(10, '2'), s(11, '2'), s(12, '2')], 2, 10],
    ['the first answer of the final run of new answers', [s(10, '1'), s(11, '2'), s(12, '1'), s(13, '2'), s(14, '2')], 2, 13],
    ['an error breaks the run', [s(10, '2'), s(11, null), s(12, '2'), s(13, '2')], 2, 12],
    ['null while the final run is shorter than the streak', [s(10, '2'), s(11, '1'), s(12, '2')], 2, null],
    ['null when the last answer is old', [s(10, '2'), s(11, '2'), s(12, '1')], 2, null],
    ['answers before `since` do not count', [s(1, '2'), s(2, '2'), s(10, '1'), s(11, '2')], 2, null],
  ])('finds when every answer became the new version: %s', (_, samples, streak, expected) => {
    expect(servingTimeline(samples, { since: 5, version: '2', streak }).allNewAt).toBe(expected);
  });

  it('records the first and last answer of each instance since `since`', () => {
    const out = servingTimeline([s(1, '1', 'a'), s(6, '1', 'a'), s(7, '2', 'b'), s(8, '1', 'a'), s(9, null, null), s(10, '2', 'b')], { since: 5, version: '2', streak: 1 });
    expect([...out.firstSeen]).toEqual([['a', 6], ['b', 7]]);
    expect([...out.lastSeen]).toEqual([['a', 8], ['b', 10]]);
  });
});
