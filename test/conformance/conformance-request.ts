import type { RuntimeKind } from '../../src/domain/runtime-kind.js';
import type { StartRequest } from '../../src/runtimes/runtime.js';
import type { ContainerSpec, RestartPolicy, SecretRef, TaskSpec } from '../../src/domain/task-spec.js';

/** One container as a conformance case asks for it; the subject picks the image reference. */
export interface ConformanceContainer {
  /** Default `main`. */
  name?: string;
  /** Replaces the image's entrypoint; the image must have busybox (`sh`, `httpd`, `sleep`). */
  command: string[];
  /** Default `always`. */
  restart?: RestartPolicy;
  /** `missing`: a reference to an image that does not exist, for the failing-start case. */
  image?: 'busybox' | 'missing';
  /** Default none. */
  secrets?: SecretRef[];
}

/** What a case asks `makeRequest` for. */
export interface ConformanceRequest {
  id: string;
  containers: ConformanceContainer[];
  /** Secret values by name (`StartRequest.secrets`); default none. */
  secrets?: Record<string, string>;
}

export interface StartRequestOptions {
  kind: RuntimeKind;
  /** Reference of an image with busybox in /bin (e.g. the busybox-httpd test image). */
  image: string;
  /** Reference that names no image; its text must appear in the start error. */
  missingImage: string;
  memoryMib?: number;
}

/**
 * The usual `makeRequest`: one TaskSpec per case with the subject's images. Containers get 10 s
 * to stop, so a stop that returns quickly proves the container stopped on SIGTERM, not on the kill.
 */
export function conformanceStartRequest(request: ConformanceRequest, options: StartRequestOptions): StartRequest {
  const containers = request.containers.map(
    (c): ContainerSpec => ({
      name: c.name ?? 'main',
      image: c.image === 'missing' ? options.missingImage : options.image,
      command: c.command,
      args: null,
      env: {},
      workdir: null,
      user: null,
      secrets: c.secrets ?? [],
      restart: c.restart ?? 'always',
      stop_timeout_ms: 10_000,
    }),
  );
  const spec: TaskSpec = {
    app: 'conformance',
    namespace: 'default',
    group: 'local',
    count: 1,
    runtime: options.kind,
    resources: { cpus: 1, memory_mib: options.memoryMib ?? 128, disk_mib: 128 },
    containers,
    ports: [],
    check: null,
    deploy: { strategy: 'rolling', max_unavailable: 1, max_surge: 1, healthy_deadline_ms: 60_000, drain_delay_ms: 0, switch_grace_ms: 0 },
    volumes: [],
  };
  return { id: request.id, app: 'conformance', namespace: 'default', release: 1, slot: 0, spec, secrets: request.secrets ?? {} };
}
