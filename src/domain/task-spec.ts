import type { RuntimeKind } from './runtime-kind.js';

/**
 * A validated, normalised task file (`bubo.toml`). Keys keep the file's snake_case so that what a
 * user wrote and what a release stores read the same; values are normalised (sizes in MiB,
 * durations in milliseconds, defaults filled in).
 *
 * `task-schema.ts` must produce exactly this type; a compile-time check there enforces it.
 */
export interface TaskSpec {
  app: string;
  namespace: string;
  group: string;
  count: number;
  runtime: RuntimeKind;
  resources: TaskResources;
  containers: ContainerSpec[];
  ports: PortSpec[];
  check: CheckSpec | null;
  deploy: DeploySpec;
  /** Absent when the file has no [placement] table (and in releases stored before it existed). */
  placement?: PlacementSpec;
  /** Absent when the file has no [availability] table: the minimum is then count − max_unavailable. */
  availability?: AvailabilitySpec;
  volumes: VolumeSpec[];
  /** Scheduled volume backups; absent when the file has none (and in releases stored before them). */
  backups?: BackupSpec[];
}

export interface TaskResources {
  cpus: number;
  memory_mib: number;
  disk_mib: number;
}

export type RestartPolicy = 'always' | 'on-failure' | 'never';

export interface ContainerSpec {
  name: string;
  /** `name:tag` or `name@sha256:...`; the tag or digest is mandatory. */
  image: string;
  /** Replaces the image's entrypoint when set. */
  command: string[] | null;
  /** Replaces the image's cmd when set. */
  args: string[] | null;
  env: Record<string, string>;
  workdir: string | null;
  user: string | null;
  /** Secrets of the app's namespace this container gets: as an environment variable, or as a file. */
  secrets: SecretRef[];
  restart: RestartPolicy;
  stop_timeout_ms: number;
}

/**
 * One secret a container asks for. `file: null` delivers it as the environment variable `name`;
 * otherwise as a read-only file at that absolute path (and not in the environment).
 */
export interface SecretRef {
  name: string;
  file: string | null;
}

export type PortProtocol = 'tcp' | 'udp' | 'http';

export interface PortSpec {
  name: string;
  port: number;
  protocol: PortProtocol;
  public: PublicSpec | null;
}

export interface PublicSpec {
  host: string;
  /** Port the load balancer listens on; 80, or 443 with tls. */
  port: number;
  tls: { cert: string; key: string } | null;
}

export interface CheckSpec {
  kind: 'http' | 'tcp' | 'exec';
  /** http and tcp: the named port the check targets. */
  port: string | null;
  /** http only. */
  path: string | null;
  /** http only: a substring the body must contain. */
  expect: string | null;
  /** exec only. */
  command: string[] | null;
  interval_ms: number;
  timeout_ms: number;
  healthy_threshold: number;
  unhealthy_threshold: number;
  grace_period_ms: number;
}

export interface DeploySpec {
  strategy: 'rolling' | 'blue-green';
  max_unavailable: number;
  max_surge: number;
  /** How long a new release has to become healthy before the rollout is rolled back. */
  healthy_deadline_ms: number;
  /** How long a stopping instance stays out of the load balancer and DNS before SIGTERM. */
  drain_delay_ms: number;
  /** Blue-green: how long the old set keeps running, out of traffic, after the switch. */
  switch_grace_ms: number;
}

export interface PlacementSpec {
  /**
   * How long an instance whose host went silent (state `unknown`) keeps its slot before a
   * replacement is placed on another host of the group (`replaceAfterMs` applies the default).
   */
  replace_after_ms: number;
}

export interface AvailabilitySpec {
  /** Fewest serving instances host maintenance may leave the app with, at any moment. */
  min_serving: number;
}

export interface VolumeSpec {
  name: string;
  size_mib: number;
  path: string;
}

/**
 * `[[backups]]`: every `every_ms`, each slot's volume `volume` is archived (a consistent snapshot,
 * tar.gz + .sha256) into directory `to` on the volume's host; the newest `keep` archives of each
 * volume are kept there, older ones deleted.
 */
export interface BackupSpec {
  volume: string;
  every_ms: number;
  keep: number;
  to: string;
  /**
   * Run in the slot's instance (its first container) before the snapshot, e.g. a logical dump
   * into the volume; a non-zero exit fails the run. Absent: none.
   */
  before?: string[];
}
