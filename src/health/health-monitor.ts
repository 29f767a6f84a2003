import type { Runtime } from '../runtimes/runtime.js';
import type { CheckSpec, TaskSpec } from '../domain/task-spec.js';
import { applyCheck, type CheckHealth, describeHealth, type HealthState, initialHealth } from './health-state.js';
import { probeCheck } from './probe-check.js';
import type { Prober } from './prober.js';

/** An instance the agent runs, as `sync` receives it. */
export interface MonitoredInstance {
  id: string;
  address: string | null;
  spec: TaskSpec;
  /** When the runtime (re)started it; a new value means a new run, checked from scratch. */
  startedAt: number;
  runtime: Runtime;
}

/** `none`: the task has no `[check]`. */
export type InstanceHealth = 'none' | CheckHealth;

export interface HealthReport {
  health: InstanceHealth;
  /** The last check's output with the counts that led here (`3 consecutive failures: HTTP 503 from …`). */
  message: string;
  /** When `health` last changed. */
  since: number;
  /** Whether any check of this run has finished (false right after `sync` handed it over). */
  checked: boolean;
}

export interface HealthMonitorOptions {
  /** Called when an instance's health changes (not for new instances, which start `unknown` or `none`). */
  onChange?: (id: string, report: HealthReport) => void;
  /** Clock for outcomes and `since`; default `Date.now`. Timers always run on real time. */
  now?: () => number;
  log?: (line: string) => void;
  /** Runs one check; default `probeCheck` (http, tcp, exec). */
  probe?: Prober;
  /** In [0, 1): spreads first checks so that instances started together are not checked together. */
  random?: () => number;
}

/**
 * The first check of a run comes after at most this long (or the interval, if shorter): an
 * instance that is ready at once is healthy (and in the load balancer) at once, while instances
 * started together are still spread a little.
 */
const FIRST_CHECK_MAX_MS = 250;

interface Watched {
  target: MonitoredInstance;
  /** What makes a run: a change restarts checking from `unknown`. */
  key: string;
  check: CheckSpec | null;
  state: HealthState | null;
  timer: NodeJS.Timeout | null;
  running: { controller: AbortController; done: Promise<void> } | null;
}

/**
 * Checks every running instance that has a `[check]`, every `interval_ms`, one check at a time
 * per instance, and keeps each one's health (`health-state.ts`). The agent calls `sync` with the
 * instances it runs whenever that set changes; `sync` is idempotent.
 *
 * Checks start right away (the first within a second), also within the grace period: passes
 * count there, failures do not, so an instance that is ready early is healthy early.
 */
export class HealthMonitor {
  readonly #watched = new Map<string, Watched>();
  readonly #onChange: (id: string, report: HealthReport) => void;
  readonly #now: () => number;
  readonly #log: (line: string) => void;
  readonly #probe: Prober;
  readonly #random: () => number;
  #stopped = false;

  constructor(options: HealthMonitorOptions = {}) {
    this.#onChange = options.onChange ?? (() => {});
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? (() => {});
    this.#probe = options.probe ?? probeCheck;
    this.#random = options.random ?? Math.random;
  }

  /**
   * The instances running now. New ids start being checked, vanished ids are dropped (their
   * check is cancelled), and an id whose `startedAt` or check changed starts again from
   * `unknown`. A new address or runtime object is picked up by the next check.
   */
  sync(instances: readonly MonitoredInstance[]): void {
    if (this.#stopped) return;
    const seen = new Set(instances.map((i) => i.id));
    for (const [id, watched] of this.#watched) if (!seen.has(id)) this.#drop(id, watched);
    for (const instance of instances) {
      const key = runKey(instance);
      const watched = this.#watched.get(instance.id);
      if (watched?.key === key) {
        watched.target = instance;
        continue;
      }
      const before = watched ? this.health(instance.id) : undefined;
      if (watched) this.#drop(instance.id, watched);
      this.#watch(instance, key);
      const after = this.health(instance.id);
      if (before && after && before.health !== after.health) this.#notify(instance.id, after);
    }
  }

  /** The instance's health, or undefined for an id `sync` does not know. */
  health(id: string): HealthReport | undefined {
    const watched = this.#watched.get(id);
    if (!watched) return undefined;
    if (!watched.check || !watched.state) return { health: 'none', message: '', since: watched.target.startedAt, checked: true };
    return { health: watched.state.health, message: describeHealth(watched.state, watched.check), since: watched.state.since, checked: watched.state.last !== null };
  }

  /** Cancels every timer and check; resolves once the checks in flight have let go. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const running = [...this.#watched.values()].flatMap((w) => (w.running ? [w.running.done] : []));
    for (const [id, watched] of this.#watched) this.#drop(id, watched);
    await Promise.allSettled(running);
  }

  #watch(instance: MonitoredInstance, key: string): void {
    const check = instance.spec.check;
    const watched: Watched = { target: instance, key, check, state: check ? initialHealth(instance.startedAt, check) : null, timer: null, running: null };
    this.#watched.set(instance.id, watched);
    if (check) this.#schedule(watched, Math.min(check.interval_ms, FIRST_CHECK_MAX_MS) * (0.5 + this.#random() / 2));
  }

  #drop(id: string, watched: Watched): void {
    if (watched.timer) clearTimeout(watched.timer);
    watched.timer = null;
    watched.running?.controller.abort();
    if (this.#watched.get(id) === watched) this.#watched.delete(id);
  }

  #schedule(watched: Watched, delayMs: number): void {
    watched.timer = setTimeout(() => {
      watched.timer = null;
      const controller = new AbortController();
      watched.running = { controller, done: this.#runCheck(watched, controller.signal) };
    }, delayMs);
    // A forgotten monitor must not keep a process alive; the agent's own loops do that.
    watched.timer.unref();
  }

  async #runCheck(watched: Watched, signal: AbortSignal): Promise<void> {
    const check = watched.check as CheckSpec;
    const began = Date.now();
    const result = await this.#probe(watched.target, check, signal).catch((error: unknown) => ({ ok: false, message: `check failed: ${(error as Error).message}` }));
    watched.running = null;
    if (signal.aborted || this.#watched.get(watched.target.id) !== watched) return;
    const { state, transition } = applyCheck(watched.state as HealthState, { ...result, at: this.#now() }, check);
    watched.state = state;
    if (transition) {
      const report = this.health(watched.target.id) as HealthReport;
      this.#log(`instance ${watched.target.id}: ${transition.from} -> ${transition.to}: ${report.message}`);
      this.#notify(watched.target.id, report);
    }
    // The interval runs from the start of one check to the start of the next; checks never overlap.
    if (this.#watched.get(watched.target.id) === watched) this.#schedule(watched, Math.max(0, check.interval_ms - (Date.now() - began)));
  }

  #notify(id: string, report: HealthReport): void {
    try {
      this.#onChange(id, report);
    } catch (error) {
      this.#log(`health onChange for ${id} failed: ${(error as Error).message}`);
    }
  }
}

/** One run of one instance: its start time and everything the check reads from the spec. */
function runKey(instance: MonitoredInstance): string {
  const { check, ports } = instance.spec;
  return JSON.stringify([instance.startedAt, check, check?.port ? ports.find((p) => p.name === check.port)?.port : null]);
}
