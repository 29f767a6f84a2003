import type { CoreContext } from './core-context.js';

/**
 * The long-poll core: answers the counter's value at once when it differs from what the caller
 * holds, otherwise waits for a notification (or `waitMs`). The waiter is registered *before* the
 * counter is read, so a change committed between the read and the wait cannot be missed.
 */
export async function waitForChange(
  ctx: CoreContext,
  counter: string,
  input: { index: number; waitMs: number; signal?: AbortSignal | undefined },
): Promise<number> {
  const done = new AbortController();
  const signals = [done.signal, AbortSignal.timeout(Math.max(input.waitMs, 0)), ...(input.signal ? [input.signal] : [])];
  const woken = ctx.notifier.wait(AbortSignal.any(signals));
  try {
    const index = await ctx.store.getCounter(counter);
    if (index !== input.index || input.waitMs <= 0) return index;
    await woken;
    return await ctx.store.getCounter(counter);
  } finally {
    done.abort();
  }
}
