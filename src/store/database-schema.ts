import type { Generated, Selectable } from 'kysely';

/**
 * The tables as Kysely sees them (snake_case, one interface per table). Booleans are stored as
 * 0/1 integers and structured values as JSON text so that the same columns work in SQLite and
 * PostgreSQL; millisecond timestamps are `bigint` columns read back as JS numbers.
 */
export interface Database {
  counters: CounterTable;
  groups: GroupTable;
  hosts: HostTable;
  apps: AppTable;
  releases: ReleaseTable;
  instances: InstanceTable;
  deployments: DeploymentTable;
  events: EventTable;
  join_tokens: JoinTokenTable;
  host_certs: HostCertTable;
  secrets: SecretTable;
  audit: AuditTable;
  api_tokens: ApiTokenTable;
  volumes: VolumeTable;
  backup_runs: BackupRunTable;
  operations: OperationTable;
}

export interface CounterTable {
  name: string;
  value: number;
}

export interface GroupTable {
  name: string;
  created_at: number;
}

export interface HostTable {
  id: string;
  name: string;
  group_name: string;
  address: string;
  subnet: string;
  capacity_millicpus: number;
  capacity_memory_mib: number;
  capacity_disk_mib: number;
  /** JSON array of HostRuntime. */
  runtimes: string;
  /** JSON object. */
  labels: string;
  /** JSON array of strings. */
  roles: string;
  cordoned: number;
  /** Added by migration 0007. */
  draining: number;
  status: string;
  registered_at: number;
  last_heartbeat_at: number;
  /** Added by migration 0002; null for agents without an HTTP listener. */
  agent_url: string | null;
}

export interface AppTable {
  id: string;
  namespace: string;
  name: string;
  group_name: string;
  count: number;
  stopped: number;
  destroying: number;
  release: number | null;
  over_provision: number;
  created_at: number;
  updated_at: number;
}

export interface ReleaseTable {
  app_id: string;
  version: number;
  /** JSON TaskSpec. */
  spec: string;
  /** JSON array of strings. */
  warnings: string;
  /** JSON object: container name → image digest (`{}` until the first start reports them). */
  digests: string;
  /** JSON object: secret name → version this release runs (migration 0008; `{}` before). */
  secret_versions: string;
  created_at: number;
}

export interface InstanceTable {
  id: string;
  app_id: string;
  release: number;
  host_id: string;
  slot: number;
  desired: string;
  state: string;
  address: string | null;
  message: string;
  created_at: number;
  updated_at: number;
  /** Added by migration 0004 (health checks). */
  health: string;
  health_message: string;
  /** Added by migration 0014: 1 while a replacement takes its slot on another host (a drain's move). */
  moving: number;
}

export interface DeploymentTable {
  id: string;
  app_id: string;
  from_release: number | null;
  to_release: number;
  status: string;
  message: string;
  created_at: number;
  updated_at: number;
  /** Added by migration 0004: blue-green switch time. */
  switched_at: number | null;
  /** Added by migration 0005: the app's count before the deployment. */
  from_count: number | null;
  /** Added by migration 0006: `deploy` or `rollback`. */
  kind: string;
}

export interface EventTable {
  id: Generated<number>;
  at: number;
  actor: string;
  kind: string;
  app_id: string | null;
  host_id: string | null;
  message: string;
  /** JSON object. */
  data: string;
}

/** Added by migration 0007. */
export interface JoinTokenTable {
  id: string;
  token_hash: string;
  group_name: string;
  /** JSON object. */
  labels: string;
  /** JSON array. */
  roles: string;
  uses_left: number;
  expires_at: number;
  revoked: number;
  created_at: number;
}

/** Added by migration 0007. */
export interface HostCertTable {
  fingerprint: string;
  host_name: string;
  group_name: string;
  /** JSON object. */
  labels: string;
  /** JSON array. */
  roles: string;
  serial: string;
  not_after: number;
  issued_at: number;
  join_token_id: string | null;
}

/** Added by migration 0008. The value only encrypted: `nonce` and `ciphertext` (with its GCM tag) are base64. */
export interface SecretTable {
  namespace: string;
  name: string;
  version: number;
  key_id: string;
  nonce: string;
  ciphertext: string;
  created_at: number;
  created_by: string;
}

/** Added by migration 0009. */
export interface AuditTable {
  id: Generated<number>;
  at: number;
  actor: string;
  role: string;
  method: string;
  route: string | null;
  target: string;
  status: number;
  code: string | null;
}

/** Added by migration 0010. */
export interface ApiTokenTable {
  id: string;
  name: string;
  role: string;
  /** JSON array. */
  namespaces: string;
  /** JSON array. */
  grants: string;
  token_hash: string;
  expires_at: number | null;
  revoked: number;
  created_at: number;
  created_by: string;
}

export interface VolumeTable {
  id: string;
  app_id: string;
  name: string;
  slot: number;
  host_id: string;
  size_mib: number;
  created_at: number;
}

export type VolumeRow = Selectable<VolumeTable>;

export interface BackupRunTable {
  id: string;
  app_id: string;
  volume_id: string;
  started_at: number;
  finished_at: number | null;
  status: string;
  archive: string | null;
  sha256: string | null;
  bytes: number | null;
  error: string | null;
  pruned: number;
}

export type BackupRunRow = Selectable<BackupRunTable>;

export interface OperationTable {
  id: string;
  kind: string;
  status: string;
  created_at: number;
  updated_at: number;
  /** The whole `Operation` as JSON. */
  document: string;
}

export type OperationRow = Selectable<OperationTable>;
export type HostRow = Selectable<HostTable>;
export type ApiTokenRow = Selectable<ApiTokenTable>;
export type AuditRow = Selectable<AuditTable>;
export type SecretRow = Selectable<SecretTable>;
export type JoinTokenRow = Selectable<JoinTokenTable>;
export type HostCertRow = Selectable<HostCertTable>;
export type AppRow = Selectable<AppTable>;
export type ReleaseRow = Selectable<ReleaseTable>;
export type InstanceRow = Selectable<InstanceTable>;
export type DeploymentRow = Selectable<DeploymentTable>;
export type EventRow = Selectable<EventTable>;
