import type { Store } from '../store/store.js';
import type { AssignmentNotifier } from './assignment-notifier.js';
import { markCatalogChanged } from './mark-catalog-changed.js';

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

  /** Announces within `delayMs` (once for every call until then). */
  schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => void this.flush(), this.delayMs);
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
