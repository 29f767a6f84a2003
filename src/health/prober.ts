import type { Runtime } from '../runtimes/runtime.js';
import type { CheckSpec, TaskSpec } from '../domain/task-spec.js';

/** What one check found; `message` is shown to the user next to the health. */
export interface ProbeResult {
  ok: boolean;
  message: string;
}

/** The instance a check runs against. */
export interface CheckTarget {
  id: string;
  /** The instance's own address; http and tcp checks cannot run without one. */
  address: string | null;
  spec: TaskSpec;
  runtime: Runtime;
}

/**
 * Runs one check. Never rejects: every problem (refused, timed out, bad status, no exec ability)
 * is a failed result whose message says what happened. Gives up after `check.timeout_ms` or when
 * `signal` aborts.
 */
export type Prober = (target: CheckTarget, check: CheckSpec, signal: AbortSignal) => Promise<ProbeResult>;
