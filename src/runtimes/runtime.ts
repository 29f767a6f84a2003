import type { ExecResult } from '../domain/exec-result.js';
import type { HostRuntime, RuntimeKind } from '../domain/runtime-kind.js';
import type { LogLine, LogOptions } from '../logs/log-line.js';
import type { TaskSpec } from '../domain/task-spec.js';

/**
 * One runtime = one folder implementing this interface (`runc/`, `qemu/`, `firecracker/`, `fake/`;
 * the folder shape is in README.md), registered in `runtime-registry.ts`. It runs whole instances
 * (all containers of a task together) and keeps what it needs to find them again in its own state
 * directory; it does not know about the server. The start flow they share is `instance-start.ts`.
 * Optional abilities are separate interfaces below (`LogSource`, `Exec`; console, snapshot later).
 */
export interface Runtime {
  readonly name: string;
  readonly kind: RuntimeKind;
  /**
   * How it attaches `StartRequest.volumes`: `mount` bind-mounts a host directory (runc),
   * `device` attaches a disk. Absent: it cannot, and the agent fails such an instance, saying so.
   */
  readonly volumes?: 'mount' | 'device';
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
  /**
   * Digests of the images every instance in this runtime's state uses (running, exited or
   * interrupted): the image garbage collector keeps them.
   */
  imagesInUse(): Promise<Set<string>>;
  /**
   * `volumes = 'device'` runtimes: when an instance that runs has `device` attached, its guest
   * freezes the filesystem on it (flushed to the disk, writes held) and this returns the thaw;
   * null when no instance has it. The host cannot freeze a filesystem a guest kernel mounted, so
   * a snapshot of such a disk is copied between the two.
   */
  freezeVolume?(device: string): Promise<{ instance: string; thaw: () => Promise<void> } | null>;
  /** Lets go of what this object holds (connections); instances keep running. Called at agent shutdown. */
  close(): Promise<void>;
}

export interface StartRequest {
  id: string;
  app: string;
  namespace: string;
  release: number;
  slot: number;
  spec: TaskSpec;
  /**
   * Values of the secrets the spec's containers name, by name (every name present). They reach
   * the instance only through files the runtime keeps private (runc: the container's config.json;
   * microVMs: the config disk), never through a command line, the environment of a host process,
   * a log line or an error message.
   */
  secrets: Readonly<Record<string, string>>;
  /**
   * The instance's volumes, prepared by the agent before `start` (created, grown, and mounted on
   * the host for runtimes that bind-mount). Every container gets each one at its `path`. Absent
   * or empty: the instance has none.
   */
  volumes?: readonly StartVolume[];
}

/** One volume of an instance, as a runtime attaches it. */
export interface StartVolume {
  /** The task file's volume name (`data`): names the guest disk and appears in messages. */
  name: string;
  /** Absolute mount point inside every container. */
  path: string;
  /** Host directory holding the data, mounted: what runc bind-mounts. Null when the driver has only a device. */
  hostPath: string | null;
  /** Block device or disk image (ext4) for a microVM's virtio disk; the host keeps it unmounted. Null for the `dir` driver. */
  device: string | null;
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
  /** Container name → image manifest digest (`sha256:…`) it runs, once pulled; what the agent reports. */
  images?: Record<string, string>;
}


/**
 * Optional ability: the output of an instance's containers, oldest first per container, the
 * containers merged as their lines come. Ending the iteration (`return`) or aborting `signal`
 * releases everything it holds. Unknown instances yield nothing: callers check `inspect` first.
 */
export interface LogSource {
  logs(id: string, options: LogOptions): AsyncIterable<LogLine>;
}

export function hasLogs<R extends Runtime>(runtime: R): runtime is R & LogSource {
  return typeof (runtime as Partial<LogSource>).logs === 'function';
}

export { RuntimeStartError } from './runtime-error.js';


/**
 * Optional ability: run a command inside a running instance (exec health checks, `bubo exec`).
 * `container` null means the instance's first container. Rejects when the instance is gone;
 * a command that cannot be found or times out resolves with a non-zero exit code and says why.
 */
export interface Exec {
  exec(id: string, container: string | null, argv: string[], timeoutMs: number): Promise<ExecResult>;
}

export function hasExec<R extends Runtime>(runtime: R): runtime is R & Exec {
  return typeof (runtime as Partial<Exec>).exec === 'function';
}
