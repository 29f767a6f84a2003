import type { CoreContext } from './core-context.js';
import { type BlockedMemo, type ReconcileOutcome, reconcileOnce } from './reconcile-once.js';

export interface ControlLoopOptions {
  /** Reconcile at least this often, to notice missed heartbeats and deadlines. */
  intervalMs: number;
  /** After a wake-up, wait this long so a burst of reports becomes one pass. */
  debounceMs: number;
  onError: (error: unknown) => void;
  onPass?: (outcome: ReconcileOutcome) => void;
}

/**
 * Runs `reconcileOnce` on a timer and whenever an action wakes it, never two passes at once.
 * A wake-up during a pass schedules exactly one more pass after it.
 */
export class ControlLoop {
  #ctx: CoreContext;
  #options: ControlLoopOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = true;
  #blocked: BlockedMemo = new Map();
  #lastPassMs = 0;
  #lastEnd = 0;

  constructor(ctx: CoreContext, options: ControlLoopOptions) {
    this.#ctx = ctx;
    this.#options = options;
  }

  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#schedule(this.#wakeDelayMs());
  }

  /**
   * The debounce, or longer after a long pass: a pass reads every host and instance, so with
   * thousands of hosts registering (each one a wake-up) back-to-back passes took the whole event
   * loop and registrations crawled. Waiting as long as the last pass took since it ended keeps
   * the loop at most half busy with passes; a short pass changes nothing.
   */
  #wakeDelayMs(): number {
    const sinceEnd = Date.now() - this.#lastEnd;
    return Math.max(this.#options.debounceMs, this.#lastPassMs - sinceEnd);
  }

  /** `wake`, if the last pass could not place everything (see `CoreContext.wakeIfBlocked`). */
  wakeIfBlocked(): void {
    if (this.#blocked.size > 0) this.wake();
  }

  /** Waits for the pass in flight, then stops. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** One pass now (tests and the first pass after start). */
  async runOnce(): Promise<void> {
    while (this.#running) await this.#running;
    this.#running = this.#pass();
    try {
      await this.#running;
    } finally {
      this.#running = undefined;
    }
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      void this.runOnce().then(() => {
        if (this.#stopped) return;
        if (this.#again) {
          this.#again = false;
          this.#schedule(this.#wakeDelayMs());
        } else this.#schedule(this.#options.intervalMs);
      });
    }, delayMs);
  }

  async #pass(): Promise<void> {
    const start = Date.now();
    try {
      // The pass judges hosts by their last heartbeat: write the buffered ones first.
      await this.#ctx.heartbeats.flush(this.#ctx.store);
      const outcome = await reconcileOnce(this.#ctx, this.#blocked);
      this.#options.onPass?.(outcome);
      await this.#ctx.store.pruneInstances(this.#ctx.now() - this.#ctx.options.keepTerminalMs);
    } catch (error) {
      this.#options.onError(error);
    } finally {
      this.#lastEnd = Date.now();
      this.#lastPassMs = this.#lastEnd - start;
    }
  }
}
