import type { CoreContext } from './core-context.js';

/**
 * The long-poll core: answers the counter's value at once when it differs from what the caller
 * holds, otherwise waits until it does (or `waitMs` passes, or the caller goes away). The
 * notifier is shared by every counter, so a wake-up for another counter is not an answer: the
 * waiter registers again and keeps waiting. Each waiter is registered *before* the counter is
 * read, so a change committed between the read and the wait cannot be missed.
 *
 * The deadline is a plain timer, not `AbortSignal.timeout` inside `AbortSignal.any`: a composite
 * signal holds its sources weakly, and a timeout signal nothing else refers to can be collected
 * before it fires, leaving the poll to hang until the next change (seen: agents' 30 s polls
 * unanswered after 40 s).
 */
export async function waitForChange(
  ctx: CoreContext,
  counter: string,
  input: { index: number; waitMs: number; signal?: AbortSignal | undefined },
): Promise<number> {
  const done = new AbortController();
  const stop = () => done.abort();
  const timer = setTimeout(stop, Math.max(input.waitMs, 0));
  if (input.signal?.aborted) stop();
  input.signal?.addEventListener('abort', stop, { once: true });
  try {
    for (;;) {
      const woken = ctx.notifier.wait(done.signal);
      const index = await ctx.store.getCounter(counter);
      if (index !== input.index || input.waitMs <= 0 || done.signal.aborted) return index;
      await woken;
      if (done.signal.aborted) return await ctx.store.getCounter(counter);
    }
  } finally {
    clearTimeout(timer);
    input.signal?.removeEventListener('abort', stop);
    stop();
  }
}
