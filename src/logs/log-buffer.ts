import type { LogLine, LogOptions } from './log-line.js';

/**
 * In-memory container output per instance, with exact times: the `LogSource` of the fake runtime
 * (tests emit lines with `append`). `openReaders` counts iterations not yet closed, so tests can
 * check that a stream's consumer going away releases its reader.
 */
export class LogBuffer {
  openReaders = 0;
  readonly #lines = new Map<string, LogLine[]>();
  readonly #waiters = new Map<string, Set<() => void>>();

  append(id: string, container: string, line: string, at = Date.now()): void {
    const lines = this.#lines.get(id) ?? [];
    this.#lines.set(id, lines);
    lines.push({ container, line, at });
    for (const wake of this.#waiters.get(id) ?? []) wake();
  }

  /** Forgets an instance's lines (its instance stopped); followers end. */
  drop(id: string): void {
    this.#lines.delete(id);
    for (const wake of this.#waiters.get(id) ?? []) wake();
  }

  async *read(id: string, options: LogOptions): AsyncGenerator<LogLine> {
    this.openReaders++;
    try {
      const lines = this.#lines.get(id) ?? [];
      const history = lines.filter((l) => options.sinceMs === undefined || (l.at ?? 0) >= options.sinceMs);
      yield* options.tailLines === undefined ? history : tailPerContainer(history, options.tailLines);
      let next = lines.length;
      while (options.follow && !options.signal.aborted && this.#lines.get(id) === lines) {
        if (next < lines.length) {
          yield lines[next++]!;
          continue;
        }
        await this.#wait(id, options.signal);
      }
    } finally {
      this.openReaders--;
    }
  }

  #wait(id: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.#waiters.get(id) ?? new Set<() => void>();
      this.#waiters.set(id, waiters);
      const done = () => {
        waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

function tailPerContainer(lines: LogLine[], n: number): LogLine[] {
  const left = new Map<string, number>();
  const kept: LogLine[] = [];
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    const count = left.get(line.container) ?? 0;
    if (count >= n) continue;
    left.set(line.container, count + 1);
    kept.unshift(line);
  }
  return kept;
}
