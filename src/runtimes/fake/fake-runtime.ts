import type { RuntimeKind } from '../../domain/runtime-kind.js';
import { LogBuffer } from '../../logs/log-buffer.js';
import type { Exec, LogSource, Runtime, RuntimeInstance, StartRequest } from '../runtime.js';
import type { ExecResult } from '../../domain/exec-result.js';
import type { LogLine, LogOptions } from '../../logs/log-line.js';
import { RuntimeExecError, RuntimeStartError } from '../runtime-error.js';

export interface FakeRuntimeOptions {
  name?: string;
  kind?: RuntimeKind;
  /** Simulated start latency. */
  startDelayMs?: number;
  /** Reports itself unavailable with this reason. */
  unavailable?: string;
  /** Address of the n-th instance started (default 10.99.<n/250>.<n%250+2>). */
  addressFor?: (request: StartRequest, n: number) => string;
}

/** What a fake `exec` answers: a fixed result, or one computed (or awaited) per call. */
export type FakeExec = ExecResult | ((argv: string[], container: string | null) => ExecResult | Promise<ExecResult>);

/**
 * An in-memory runtime for scheduler and agent tests, with faults to inject: failing starts,
 * crashes, slow starts. Never the proof that a real feature works; that is what e2e tests with
 * real runtimes are for.
 */
export class FakeRuntime implements Runtime, LogSource, Exec {
  readonly name: string;
  readonly kind: RuntimeKind;
  // Keeps each start request (volumes included) on its instance; attaches nothing.
  readonly volumes = 'mount' as const;
  readonly instances = new Map<string, RuntimeInstance & { request: StartRequest }>();
  /** Every call, in order, for assertions: `start web-1a2b`, `stop web-1a2b`. */
  readonly calls: string[] = [];
  /** Container output: tests `append(id, container, line)`; `logs` reads it. */
  readonly output = new LogBuffer();
  /** Every `exec`, in order (kept apart from `calls`: health checks exec on a timer). */
  readonly execCalls: { id: string; container: string | null; argv: string[] }[] = [];
  #execs = new Map<string, FakeExec>();
  #options: FakeRuntimeOptions;
  #started = 0;
  #failStart: ((request: StartRequest) => string | null) | null = null;

  constructor(options: FakeRuntimeOptions = {}) {
    this.#options = options;
    this.name = options.name ?? 'fake';
    this.kind = options.kind ?? 'microvm';
  }

  async probe() {
    const reason = this.#options.unavailable;
    return reason
      ? { name: this.name, kind: this.kind, available: false, reason }
      : { name: this.name, kind: this.kind, available: true };
  }

  /** Fault: starts for which `reason` returns a string fail with that message. */
  failStarts(reason: ((request: StartRequest) => string | null) | null): void {
    this.#failStart = reason;
  }

  /** Fault: the instance's processes die with `exitCode`, as if killed from outside. */
  crash(id: string, exitCode = 137, message = `killed (exit ${exitCode})`): void {
    const instance = this.instances.get(id);
    if (instance) Object.assign(instance, { state: 'exited', exitCode, message });
  }

  /**
   * Fault: what `exec` in instance `id` answers from now on (default: exit 0, no output), e.g.
   * `{ exitCode: 1, output: 'down' }` to fail its exec health check; `null` restores the default.
   * An answer that takes longer than the exec's timeout gives exit 124, as a real runtime would.
   */
  setExec(id: string, answer: FakeExec | null): void {
    if (answer === null) this.#execs.delete(id);
    else this.#execs.set(id, answer);
  }

  async exec(id: string, container: string | null, argv: string[], timeoutMs: number): Promise<ExecResult> {
    const instance = this.instances.get(id);
    if (instance?.state !== 'running') throw RuntimeExecError.of(id, 'it is not running');
    this.execCalls.push({ id, container, argv: [...argv] });
    const answer = this.#execs.get(id) ?? { exitCode: 0, output: '' };
    const result = Promise.resolve(typeof answer === 'function' ? answer(argv, container) : answer);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<ExecResult>((resolve) => {
      timer = setTimeout(() => resolve({ exitCode: 124, output: `timed out after ${timeoutMs} ms` }), timeoutMs);
    });
    try {
      return await Promise.race([result, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  async start(request: StartRequest, signal?: AbortSignal): Promise<RuntimeInstance> {
    this.calls.push(`start ${request.id}`);
    if (this.#options.startDelayMs) await sleep(this.#options.startDelayMs, signal);
    const failure = this.#failStart?.(request);
    if (failure) throw new RuntimeStartError(failure);
    const existing = this.instances.get(request.id);
    if (existing?.state === 'running') return view(existing);
    const n = this.#started++;
    const address = this.#options.addressFor?.(request, n) ?? `10.99.${Math.floor(n / 250) % 256}.${(n % 250) + 2}`;
    const instance = { id: request.id, state: 'running' as const, address, exitCode: null, message: '', startedAt: Date.now(), request };
    this.instances.set(request.id, instance);
    return view(instance);
  }

  async stop(id: string, _timeoutMs: number): Promise<void> {
    this.calls.push(`stop ${id}`);
    this.instances.delete(id);
    this.output.drop(id);
    this.#execs.delete(id);
  }

  logs(id: string, options: LogOptions): AsyncIterable<LogLine> {
    return this.output.read(id, options);
  }

  async inspect(id: string): Promise<RuntimeInstance | null> {
    const instance = this.instances.get(id);
    return instance ? view(instance) : null;
  }

  async list(): Promise<RuntimeInstance[]> {
    return [...this.instances.values()].map(view);
  }

  /** The digests tests gave their instances (`images`), as a real runtime's records would say. */
  async imagesInUse(): Promise<Set<string>> {
    return new Set([...this.instances.values()].flatMap((i) => Object.values(i.images ?? {})));
  }

  async close(): Promise<void> {}
}

function view(instance: RuntimeInstance & { request?: StartRequest }): RuntimeInstance {
  const { request: _request, ...rest } = instance;
  return { ...rest };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new RuntimeStartError('start aborted'));
    });
  });
}
