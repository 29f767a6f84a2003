import type { AssignmentNotifier } from './assignment-notifier.js';
import type { CoreContext } from './core-context.js';

/**
 * The long-poll core: answers the counter's value at once when it differs from what the caller
 * holds, otherwise waits until it does (or `waitMs` passes, or the caller goes away). The counter
 * name is also the notifier key, so only a change of this counter wakes the waiter; a wake-up
 * that did not move it (a spurious or repeated notify) is not an answer: the waiter registers
 * again and keeps waiting. Each waiter is registered *before* the counter is read, so a change
 * committed between the read and the wait cannot be missed.
 *
 * Waiters woken together share one read of the counter (10,000 catalog polls woken by one change
 * read it once): a read is shared only while no notify of its key happened since it started (see
 * `AssignmentNotifier.generation`), so a shared read is never older than the waiter's registration.
 * Waiters woken in later batches (`AssignmentNotifier.notify`) read again, once per batch.
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
  const stop = () => done.abort(WAIT_OVER);
  const timer = setTimeout(stop, Math.max(input.waitMs, 0));
  if (input.signal?.aborted) stop();
  input.signal?.addEventListener('abort', stop, { once: true });
  try {
    for (;;) {
      const woken = ctx.notifier.wait(counter, done.signal);
      const index = await readShared(ctx, counter);
      if (index !== input.index || input.waitMs <= 0 || done.signal.aborted) return index;
      await woken;
      if (done.signal.aborted) return await readShared(ctx, counter);
    }
  } finally {
    clearTimeout(timer);
    input.signal?.removeEventListener('abort', stop);
    stop();
  }
}

/**
 * The reason every wait ends with: `abort()` without one builds a DOMException with its stack
 * trace for each long-poll answered (5 % of the server's CPU with 3,000 agents). Nobody reads it.
 */
const WAIT_OVER = new Error('long-poll wait over');

type Read = { generation: number; value: Promise<number> };
const reads = new WeakMap<AssignmentNotifier, Map<string, Read>>();

/** The counter's value, from a read in flight for the same key and generation if there is one. */
function readShared(ctx: CoreContext, counter: string): Promise<number> {
  const inFlight = reads.get(ctx.notifier) ?? new Map<string, Read>();
  reads.set(ctx.notifier, inFlight);
  const generation = ctx.notifier.generation(counter);
  const current = inFlight.get(counter);
  if (current && current.generation === generation) return current.value;
  const read: Read = { generation, value: ctx.store.getCounter(counter) };
  inFlight.set(counter, read);
  // Shared only while in flight: a resolved value kept until the next notify was seen to leave a
  // poll stuck on an old index past its timeout (CI, bubo up), so each wake batch reads again.
  const forget = () => {
    if (inFlight.get(counter) === read) inFlight.delete(counter);
  };
  read.value.then(forget, forget);
  return read.value;
}
