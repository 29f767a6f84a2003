/** One line of a container's output. `at` is when it was written, when known (see LogSource). */
export interface LogLine {
  container: string;
  line: string;
  at: number | null;
}

export interface LogOptions {
  /** Keep yielding new lines until `signal` aborts (or the instance goes away). */
  follow: boolean;
  /** Only the last N lines of each container's history (follow then continues from there). */
  tailLines?: number;
  /** Only history written at or after this time (ms); how exact depends on the runtime. */
  sinceMs?: number;
  signal: AbortSignal;
}
