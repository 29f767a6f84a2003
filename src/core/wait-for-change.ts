import type { CoreContext } from './core-context.js';

/**
 * The long-poll core: answers the counter's value at once when it differs from what the caller
 * holds, otherwise waits until it does (or `waitMs` passes). The notifier is shared by every
 * counter, so a wake-up for another counter is not an answer: the waiter registers again and
 * keeps waiting. Each waiter is registered *before* the counter is read, so a change committed
 * between the read and the wait cannot be missed.
 */
export async function waitForChange(
  ctx: CoreContext,
  counter: string,
  input: { index: number; waitMs: number; signal?: AbortSignal | undefined },
): Promise<number> {
  const done = new AbortController();
  const signal = AbortSignal.any([done.signal, AbortSignal.timeout(Math.max(input.waitMs, 0)), ...(input.signal ? [input.signal] : [])]);
  try {
    for (;;) {
      const woken = ctx.notifier.wait(signal);
      const index = await ctx.store.getCounter(counter);
      if (index !== input.index || input.waitMs <= 0 || signal.aborted) return index;
      await woken;
      if (signal.aborted) return await ctx.store.getCounter(counter);
    }
  } finally {
    done.abort();
  }
}
