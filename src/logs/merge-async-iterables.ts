/**
 * Yields the items of every source as they come, whichever source is first. Ends once every
 * source has ended. Ending the merged iteration early (`break`, `return`) or a source throwing
 * asks every other source to close (`return`), so streams and timers behind them are released.
 */
export async function* mergeAsyncIterables<T>(sources: readonly AsyncIterable<T>[]): AsyncGenerator<T> {
  const iterators = sources.map((s) => s[Symbol.asyncIterator]());
  const pending = new Map<number, Promise<{ index: number; result: IteratorResult<T> }>>();
  const pull = (index: number) => {
    const iterator = iterators[index]!;
    pending.set(index, iterator.next().then((result) => ({ index, result })));
  };
  for (let index = 0; index < iterators.length; index++) pull(index);
  try {
    while (pending.size > 0) {
      const { index, result } = await Promise.race(pending.values());
      if (result.done) {
        pending.delete(index);
        continue;
      }
      pull(index);
      yield result.value;
    }
  } finally {
    // Sources still running are asked to stop, without waiting: a generator finishes its current
    // `await` before `return` runs, so sources should also watch an AbortSignal the caller aborts.
    for (const [index, next] of pending) {
      next.catch(() => {});
      iterators[index]!.return?.()?.catch(() => {});
    }
  }
}
