import type { HostRuntime, RuntimeKind } from '../domain/runtime-kind.js';
import { type Exec, hasExec, hasLogs, type LogSource, type Runtime, type StartRequest } from './runtime.js';
import type { LogOptions } from '../logs/log-line.js';
import { RuntimeExecError, RuntimeLogsError } from './runtime-error.js';

/**
 * `bubo up` on a machine that cannot run microVMs: offers another runtime (runc) under the
 * microvm kind, so the same task file still runs, and says so in `bubo hosts`. It lists nothing
 * itself: the instances are the inner runtime's, which lists, stops and re-adopts them.
 */
export class FallbackRuntime implements Runtime, LogSource, Exec {
  readonly name: string;
  readonly kind: RuntimeKind;
  readonly volumes?: 'mount' | 'device';

  constructor(
    private readonly inner: Runtime,
    kind: RuntimeKind,
    private readonly why: string,
  ) {
    this.name = inner.name;
    this.kind = kind;
    // The instances run in the inner runtime: its way of attaching volumes is theirs.
    if (inner.volumes) this.volumes = inner.volumes;
  }

  async probe(): Promise<HostRuntime> {
    const inner = await this.inner.probe();
    if (!inner.available) return { ...inner, kind: this.kind };
    return { name: this.name, kind: this.kind, available: true, detail: `fallback: ${this.why}; ${this.kind} tasks run as ${this.inner.kind}s under ${this.inner.name}` };
  }

  start(request: StartRequest, signal?: AbortSignal) {
    return this.inner.start(request, signal);
  }

  stop(id: string, timeoutMs: number) {
    return this.inner.stop(id, timeoutMs);
  }

  inspect(id: string) {
    return this.inner.inspect(id);
  }

  async list() {
    return [];
  }

  /** None of its own, as with `list`: the inner runtime reports the images of its instances. */
  async imagesInUse() {
    return new Set<string>();
  }

  /** The inner runtime is closed on its own (it is registered too). */
  async close() {}

  logs(id: string, options: LogOptions) {
    if (!hasLogs(this.inner)) throw RuntimeLogsError.of(id, `runtime ${this.inner.name} has no logs`);
    return this.inner.logs(id, options);
  }

  exec(id: string, container: string | null, argv: string[], timeoutMs: number) {
    if (!hasExec(this.inner)) return Promise.reject(RuntimeExecError.of(id, `runtime ${this.inner.name} cannot exec`));
    return this.inner.exec(id, container, argv, timeoutMs);
  }
}
