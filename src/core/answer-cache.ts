/**
 * The one answer of a long-poll for one change index, built once and shared by every poller that
 * asks for that index (10,000 catalog polls woken by one change build it once, and the transport
 * serialises the shared object once: see `http/serialize-once.ts`). Only the newest index is
 * kept; a failed build is forgotten, so the next poll builds again.
 */
export class AnswerCache<T> {
  #latest: { index: number; answer: Promise<T> } | undefined;
  /** How many times `build` ran (tests count builds, not time). */
  builds = 0;

  get(index: number, build: () => Promise<T>): Promise<T> {
    if (this.#latest?.index === index) return this.#latest.answer;
    this.builds++;
    const entry = { index, answer: build() };
    this.#latest = entry;
    entry.answer.catch(() => {
      if (this.#latest === entry) this.#latest = undefined;
    });
    return entry.answer;
  }
}
