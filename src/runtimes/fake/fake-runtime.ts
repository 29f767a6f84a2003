import type { RuntimeKind } from '../../domain/runtime-kind.js';
import { LogBuffer } from '../../logs/log-buffer.js';
import { type LogLine, type LogOptions, type LogSource, type Runtime, type RuntimeInstance, RuntimeStartError, type StartRequest } from '../runtime.js';

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

/**
 * An in-memory runtime for scheduler and agent tests, with faults to inject: failing starts,
 * crashes, slow starts. Never the proof that a real feature works; that is what e2e tests with
 * real runtimes are for.
 */
export class FakeRuntime implements Runtime, LogSource {
  readonly name: string;
  readonly kind: RuntimeKind;
  readonly instances = new Map<string, RuntimeInstance & { request: StartRequest }>();
  /** Every call, in order, for assertions: `start web-1a2b`, `stop web-1a2b`. */
  readonly calls: string[] = [];
  /** Container output: tests `append(id, container, line)`; `logs` reads it. */
  readonly output = new LogBuffer();
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
