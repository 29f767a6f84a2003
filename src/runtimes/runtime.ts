import type { HostRuntime, RuntimeKind } from '../domain/runtime-kind.js';
import type { TaskSpec } from '../taskfile/task-spec.js';

/**
 * One runtime = one folder implementing this interface (runc, qemu, firecracker, fake). It runs
 * whole instances (all containers of a task together); it does not know about the server.
 * Optional abilities (console, exec, snapshot) will be separate interfaces.
 */
export interface Runtime {
  readonly name: string;
  readonly kind: RuntimeKind;
  /** Can this runtime work on this host, and if not, why. Cheap; called at agent start. */
  probe(): Promise<HostRuntime>;
  /** Starts an instance and resolves once its processes run (not once it is healthy). */
  start(request: StartRequest, signal?: AbortSignal): Promise<RuntimeInstance>;
  /** Graceful stop: SIGTERM (or the VM equivalent), then kill after `timeoutMs`. Idempotent. */
  stop(id: string, timeoutMs: number): Promise<void>;
  inspect(id: string): Promise<RuntimeInstance | null>;
  /** Everything this runtime runs on the host, for re-adoption after an agent restart. */
  list(): Promise<RuntimeInstance[]>;
  /**
   * Called by the agent about once a second: apply restart policies, rotate logs. Runtimes whose
   * instances supervise themselves (a microVM's init) need not implement it.
   */
  supervise?(): Promise<unknown>;
}

export interface StartRequest {
  id: string;
  app: string;
  namespace: string;
  release: number;
  slot: number;
  spec: TaskSpec;
}

export interface RuntimeInstance {
  id: string;
  state: 'running' | 'exited';
  /** Address the instance is reachable on, when it has one of its own. */
  address: string | null;
  exitCode: number | null;
  /** Why it exited or failed, in words. */
  message: string;
  startedAt: number;
}

/** A start that failed for a reason the user must see (missing image, bad entrypoint...). */
export class RuntimeStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeStartError';
  }
}
