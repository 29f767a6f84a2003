import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryHeap } from './binary-heap.js';

describe('BinaryHeap', () => {
  it('pops items in ascending order whether built at once or pushed one by one', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), (xs) => {
        const sorted = [...xs].sort((a, b) => a - b);
        const built = new BinaryHeap<number>((a, b) => a < b, xs);
        const pushed = new BinaryHeap<number>((a, b) => a < b);
        for (const x of xs) pushed.push(x);
        for (const heap of [built, pushed]) {
          const out: number[] = [];
          while (heap.size > 0) out.push(heap.pop()!);
          expect(out).toEqual(sorted);
        }
      }),
    );
  });

  it('keeps the order after the top item grows and updateTop is called', () => {
    const keys = [5, 1, 3];
    const heap = new BinaryHeap<number>((a, b) => keys[a]! < keys[b]!, [0, 1, 2]);
    expect(heap.peek()).toBe(1);
    keys[1] = 10;
    heap.updateTop();
    expect([heap.pop(), heap.pop(), heap.pop(), heap.pop()]).toEqual([2, 0, 1, undefined]);
  });
});
