import type { Store } from '../store/store.js';
import type { AssignmentNotifier } from './assignment-notifier.js';
import { CATALOG_COUNTER, markCatalogChanged } from './mark-catalog-changed.js';

/** Catalog polls one announcement window answers before the window grows (see `schedule`). */
export const POLLS_PER_WINDOW = 1_000;

/**
 * Tells every agent that the host list changed, at most once per `delayMs`. The list rides in
 * the catalog answer (`getCatalog`), so announcing it is a catalog change, which wakes every
 * catalog poll: a thousand hosts joining in a minute must not wake every poll a thousand times
 * (each of N joins waking N pollers is N² answers; 10,000 joining hosts is 10⁸ of them). Joins
 * within one window share one announcement; a new host is routable by the others within
 * `delayMs` plus one long-poll answer.
 */
export class PeersAnnouncer {
  #timer: NodeJS.Timeout | undefined;
  #pending: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly notifier: AssignmentNotifier,
    private readonly delayMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /**
   * Announces within `delayMs`, or longer with more than `POLLS_PER_WINDOW` catalog polls open
   * (once for every call until then). Each announcement answers every open catalog poll, and each
   * answer is a request the agent sends again: with 7,000 agents a join announced every second
   * kept the server busy with 7,000 answers a second, whatever the delta size. The wait grows with
   * the cluster so those answers stay under ~`POLLS_PER_WINDOW` per `delayMs` (10,000 agents:
   * 10 s). No route waits longer than that for a catalog it needs: a catalog answer always carries
   * the current host list, so the change that lists an instance on a new host brings the host too.
   */
  schedule(): void {
    if (this.#timer !== undefined) return;
    const polls = this.notifier.waiting(CATALOG_COUNTER);
    this.#timer = setTimeout(() => void this.flush(), this.delayMs * Math.max(1, polls / POLLS_PER_WINDOW));
    this.#timer.unref();
  }

  /** Announces now if an announcement is due (server shutdown, tests). */
  async flush(): Promise<void> {
    if (this.#timer === undefined) return this.#pending;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = this.#announce();
    await this.#pending;
  }

  async #announce(): Promise<void> {
    try {
      const changed = new Set<string>();
      await this.store.transaction((tx) => markCatalogChanged(tx, changed));
      this.notifier.notify(changed);
    } catch (error) {
      this.onError(error);
    }
  }
}
