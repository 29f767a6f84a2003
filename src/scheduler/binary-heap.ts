/**
 * A minimal array-backed binary min-heap ordered by `less`.
 *
 * Written here rather than imported: nothing in node_modules provides one, and the scheduler only
 * needs push, peek, pop and "the top changed, sift it down" (`updateTop`), which the popular heap
 * packages either lack or wrap in comparator objects that cost a few allocations per operation on
 * the 1,000,000-placement hot path. Forty lines we own beat a dependency here.
 */
export class BinaryHeap<T> {
  readonly #items: T[] = [];
  readonly #less: (a: T, b: T) => boolean;

  constructor(less: (a: T, b: T) => boolean, items: Iterable<T> = []) {
    this.#less = less;
    for (const item of items) this.#items.push(item);
    // Floyd's bottom-up heapify: O(n) instead of n pushes.
    for (let i = (this.#items.length >> 1) - 1; i >= 0; i--) this.#siftDown(i);
  }

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  push(item: T): void {
    this.#items.push(item);
    this.#siftUp(this.#items.length - 1);
  }

  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      this.#siftDown(0);
    }
    return top;
  }

  /** Call after the top item's key grew (e.g. a host took one more instance): O(log n), no allocation. */
  updateTop(): void {
    if (this.#items.length > 1) this.#siftDown(0);
  }

  #siftUp(index: number): void {
    const items = this.#items;
    const item = items[index] as T;
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as T;
      if (!this.#less(item, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = item;
  }

  #siftDown(index: number): void {
    const items = this.#items;
    const n = items.length;
    const item = items[index] as T;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && this.#less(items[right] as T, items[left] as T)) child = right;
      const c = items[child] as T;
      if (!this.#less(c, item)) break;
      items[i] = c;
      i = child;
    }
    items[i] = item;
  }
}
