import { z } from 'zod';
import {
  AgentEvent,
  AssignmentsQuery,
  AssignmentsResponse,
  HeartbeatRequest,
  Ok,
  RegisterRequest,
  RegisterResponse,
  StatusReport,
} from './agent-protocol.js';
import { AppLogLine, AppLogsQuery } from './app-log-line.js';
import { AppStatus, AppStatusList } from './app-status.js';
import { CatalogQuery, CatalogResponse } from './catalog.js';
import { DeployRequest, DeployResponse } from './deploy-request.js';
import { DeploymentView } from './deployment-view.js';
import { EventList } from './event-view.js';
import { GroupList } from './group-view.js';
import { HostList, HostView } from './host-view.js';
import type { Access } from './access.js';
import { ApiTokenCreated, ApiTokenCreateRequest, ApiTokenList, ApiTokenParams, ApiTokenView } from './api-token.js';
import { AuditList, AuditQuery } from './audit-view.js';
import { BackupRequest, BackupRunList, BackupView, RestoreDone, RestoreRequest, SnapshotList, SnapshotRequest, SnapshotView, VolumeList, VolumeListQuery, VolumeParams, VolumeRemoved } from './volume-view.js';
import { SecretKeyRotated, SecretList, SecretListQuery, SecretParams, SecretRemoved, SecretSetRequest, SecretView } from './secret-view.js';
import { HostCredential, JoinRequest, JoinTokenCreated, JoinTokenCreateRequest, JoinTokenList, JoinTokenView, RenewRequest } from './join-token.js';
import { OperationActionParams, OperationList, OperationParams, OperationPlanView, OperationRequest, OperationView } from './operation-view.js';
import { ReleaseList } from './release-view.js';
import { RollbackRequest } from './rollback-request.js';
import { ScaleRequest } from './scale-request.js';

/**
 * The whole public HTTP API on one screen. The server registers these, the OpenAPI document is
 * generated from them, and the typed client calls them by name: one table, three users, no drift.
 * Paths use `:param` segments.
 */
export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  summary: string;
  auth: boolean;
  /** Who may call it (`access.ts`); checked in one place for user tokens (`core/authorize.ts`). */
  access: Access;
  /** A host's client certificate may call this route, as that host only (agent routes); otherwise admin only. */
  hosts?: true;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /**
   * false: not in the audit log although it is not a GET (a host's telemetry, every few seconds).
   * Every other call but a GET is recorded, refused ones included.
   */
  audit?: false;
  /** Status code of a successful answer. */
  status: 200 | 201 | 202;
  /** One `response` per line, `application/x-ndjson`, streamed as it comes (the handler returns an AsyncIterable). */
  response: z.ZodType;
  stream?: true;
}

const AppParams = z.strictObject({ namespace: z.string().max(63), app: z.string().max(63) });
const HostParams = z.strictObject({ host: z.string().max(253) });
const DeploymentParams = z.strictObject({ id: z.string().max(64) });
const StatusQuery = z.strictObject({ namespace: z.string().max(63).optional() });
const EventsQuery = z.strictObject({
  app: z.string().max(130).optional(),
  host: z.string().max(253).optional(),
  after: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
const Health = z.object({ status: z.literal('ok'), version: z.string() });
const TokenParams = z.strictObject({ id: z.string().max(64) });
const RemoveHostQuery = z.strictObject({ force: z.enum(['true', 'false']).optional() });
const HostRemoved = z.object({ host: z.string(), removed: z.literal(true), instances: z.number().int() });
const Destroyed = z.object({ app: z.string(), namespace: z.string(), destroying: z.literal(true) });

export const routes = {
  health: { method: 'GET', path: '/v1/health', summary: 'Liveness of the server', auth: false, access: 'public', status: 200, response: Health },
  deploy: { method: 'POST', path: '/v1/deploy', summary: 'Validate a task file, store a release and start a deployment', auth: true, access: 'deploy', body: DeployRequest, status: 201, response: DeployResponse },
  listApps: { method: 'GET', path: '/v1/apps', summary: 'Status of every app', auth: true, access: 'read', query: StatusQuery, status: 200, response: AppStatusList },
  getApp: { method: 'GET', path: '/v1/apps/:namespace/:app', summary: 'Status of one app', auth: true, access: 'read', params: AppParams, status: 200, response: AppStatus },
  scaleApp: { method: 'POST', path: '/v1/apps/:namespace/:app/scale', summary: 'Change the instance count', auth: true, access: 'deploy', params: AppParams, body: ScaleRequest, status: 200, response: AppStatus },
  rollbackApp: { method: 'POST', path: '/v1/apps/:namespace/:app/rollback', summary: 'Deploy an earlier release again (the previous one by default)', auth: true, access: 'deploy', params: AppParams, body: RollbackRequest, status: 201, response: DeployResponse },
  restartApp: { method: 'POST', path: '/v1/apps/:namespace/:app/restart', summary: 'A new release of the current one with the latest secret versions, rolled out', auth: true, access: 'deploy', params: AppParams, status: 201, response: DeployResponse },
  stopApp: { method: 'POST', path: '/v1/apps/:namespace/:app/stop', summary: 'Stop every instance, keep the app', auth: true, access: 'deploy', params: AppParams, status: 200, response: AppStatus },
  destroyApp: { method: 'DELETE', path: '/v1/apps/:namespace/:app', summary: 'Stop every instance and delete the app', auth: true, access: 'deploy', params: AppParams, status: 202, response: Destroyed },
  appLogs: { method: 'GET', path: '/v1/apps/:namespace/:app/logs', summary: 'Container output of an app\'s instances, streamed as NDJSON (one line per container line)', auth: true, access: 'logs', params: AppParams, query: AppLogsQuery, status: 200, response: AppLogLine, stream: true },
  listReleases: { method: 'GET', path: '/v1/apps/:namespace/:app/releases', summary: 'Releases of an app, newest first', auth: true, access: 'read', params: AppParams, status: 200, response: ReleaseList },
  getDeployment: { method: 'GET', path: '/v1/deployments/:id', summary: 'One deployment and its progress', auth: true, access: 'read', params: DeploymentParams, status: 200, response: DeploymentView },
  listHosts: { method: 'GET', path: '/v1/hosts', summary: 'Every host with its capacity and allocations', auth: true, access: 'read', status: 200, response: HostList },
  cordonHost: { method: 'POST', path: '/v1/hosts/:host/cordon', summary: 'Place nothing new on a host', auth: true, access: 'operate', params: HostParams, status: 200, response: HostView },
  uncordonHost: { method: 'POST', path: '/v1/hosts/:host/uncordon', summary: 'Let the scheduler use a host again', auth: true, access: 'operate', params: HostParams, status: 200, response: HostView },
  planOperation: { method: 'POST', path: '/v1/operations/plan', summary: 'The batches a maintenance operation would run, without starting it', auth: true, access: 'operate', body: OperationRequest, audit: false, status: 200, response: OperationPlanView },
  startOperation: { method: 'POST', path: '/v1/operations', summary: 'Start a maintenance operation over hosts of a group, batch by batch', auth: true, access: 'operate', body: OperationRequest, status: 201, response: OperationView },
  listOperations: { method: 'GET', path: '/v1/operations', summary: 'Maintenance operations, newest first', auth: true, access: 'read', status: 200, response: OperationList },
  getOperation: { method: 'GET', path: '/v1/operations/:id', summary: 'One maintenance operation with its steps', auth: true, access: 'read', params: OperationParams, status: 200, response: OperationView },
  actOnOperation: { method: 'POST', path: '/v1/operations/:id/:action', summary: 'Pause, resume, abort an operation, or retry or skip its failed step', auth: true, access: 'operate', params: OperationActionParams, status: 200, response: OperationView },
  drainHost: { method: 'POST', path: '/v1/hosts/:host/drain', summary: 'Cordon a host and replace its instances on other hosts of its group', auth: true, access: 'operate', params: HostParams, status: 200, response: HostView },
  removeHost: { method: 'DELETE', path: '/v1/hosts/:host', summary: 'Remove a host and end its certificates (refused while it holds instances, unless force=true)', auth: true, access: 'operate', params: HostParams, query: RemoveHostQuery, status: 200, response: HostRemoved },
  createJoinToken: { method: 'POST', path: '/v1/join-tokens', summary: 'Create a token that lets machines join a group', auth: true, access: 'operate', body: JoinTokenCreateRequest, status: 201, response: JoinTokenCreated },
  listJoinTokens: { method: 'GET', path: '/v1/join-tokens', summary: 'Every join token (never the secret)', auth: true, access: 'operate', status: 200, response: JoinTokenList },
  revokeJoinToken: { method: 'DELETE', path: '/v1/join-tokens/:id', summary: 'Revoke a join token', auth: true, access: 'operate', params: TokenParams, status: 200, response: JoinTokenView },
  setSecret: { method: 'PUT', path: '/v1/secrets/:namespace/:name', summary: 'Store a new version of a secret (nothing restarts)', auth: true, access: 'secrets', params: SecretParams, body: SecretSetRequest, status: 200, response: SecretView },
  listSecrets: { method: 'GET', path: '/v1/secrets', summary: 'Secrets with their latest versions and users (never values)', auth: true, access: 'read', query: SecretListQuery, status: 200, response: SecretList },
  removeSecret: { method: 'DELETE', path: '/v1/secrets/:namespace/:name', summary: 'Delete every version of a secret (refused while a current release uses it)', auth: true, access: 'secrets', params: SecretParams, status: 200, response: SecretRemoved },
  listVolumes: { method: 'GET', path: '/v1/volumes', summary: 'Volumes with their host, size, use and the instance on each', auth: true, access: 'read', query: VolumeListQuery, status: 200, response: VolumeList },
  removeVolume: { method: 'DELETE', path: '/v1/volumes/:namespace/:app/:name/:slot', summary: 'Delete a volume and its data (refused while an instance uses it)', auth: true, access: 'deploy', params: VolumeParams, status: 200, response: VolumeRemoved },
  snapshotVolume: { method: 'POST', path: '/v1/volumes/:namespace/:app/:name/:slot/snapshots', summary: 'Take a point-in-time snapshot of a volume on its host', auth: true, access: 'deploy', params: VolumeParams, body: SnapshotRequest, status: 201, response: SnapshotView },
  listSnapshots: { method: 'GET', path: '/v1/volumes/:namespace/:app/:name/:slot/snapshots', summary: 'Snapshots of a volume', auth: true, access: 'read', params: VolumeParams, status: 200, response: SnapshotList },
  restoreVolume: { method: 'POST', path: '/v1/volumes/:namespace/:app/:name/:slot/restore', summary: 'Replace a volume\'s data with a snapshot or a backup archive (refused while an instance uses it)', auth: true, access: 'deploy', params: VolumeParams, body: RestoreRequest, status: 200, response: RestoreDone },
  backupVolume: { method: 'POST', path: '/v1/volumes/:namespace/:app/:name/:slot/backup', summary: 'Write a compressed, checksummed archive of a volume to a directory on its host', auth: true, access: 'deploy', params: VolumeParams, body: BackupRequest, status: 201, response: BackupView },
  listBackups: { method: 'GET', path: '/v1/apps/:namespace/:app/backups', summary: 'The app\'s scheduled backups ([[backups]]) and their runs, newest first', auth: true, access: 'read', params: AppParams, status: 200, response: BackupRunList },
  rotateSecretKey: { method: 'POST', path: '/v1/server/rotate-key', summary: 'A new secret key; every stored value re-encrypted with it, the old keys dropped', auth: true, access: 'admin', status: 200, response: SecretKeyRotated },
  createToken: { method: 'POST', path: '/v1/tokens', summary: 'Create a token for a person or robot, with a role (the secret is in this answer only)', auth: true, access: 'admin', body: ApiTokenCreateRequest, status: 201, response: ApiTokenCreated },
  listTokens: { method: 'GET', path: '/v1/tokens', summary: 'Every user token (never the secret)', auth: true, access: 'admin', status: 200, response: ApiTokenList },
  revokeToken: { method: 'DELETE', path: '/v1/tokens/:id', summary: 'Revoke a user token: refused from the next call on', auth: true, access: 'admin', params: ApiTokenParams, status: 200, response: ApiTokenView },
  listGroups: { method: 'GET', path: '/v1/groups', summary: 'Capacity of every host group', auth: true, access: 'read', status: 200, response: GroupList },
  listAudit: { method: 'GET', path: '/v1/audit', summary: 'The audit log: every call that asked to change something, with caller and outcome (read only)', auth: true, access: 'operate', query: AuditQuery, status: 200, response: AuditList },
  listEvents: { method: 'GET', path: '/v1/events', summary: 'The event log, oldest first', auth: true, access: 'read', query: EventsQuery, status: 200, response: EventList },
  agentJoin: { method: 'POST', path: '/v1/agent/join', summary: 'Join with a join token: get a host certificate for a certificate request', auth: false, access: 'public', body: JoinRequest, status: 200, response: HostCredential },
  agentRenew: { method: 'POST', path: '/v1/agent/renew', summary: 'Renew the calling host\'s certificate', auth: true, access: 'agent', hosts: true, body: RenewRequest, status: 200, response: HostCredential },
  agentRegister: { method: 'POST', path: '/v1/agent/register', summary: 'Register (or re-register) a host', auth: true, access: 'agent', hosts: true, body: RegisterRequest, status: 200, response: RegisterResponse },
  agentHeartbeat: { method: 'POST', path: '/v1/agent/heartbeat', summary: 'Tell the server the host is alive', auth: true, access: 'agent', hosts: true, audit: false, body: HeartbeatRequest, status: 200, response: Ok },
  agentAssignments: { method: 'GET', path: '/v1/agent/assignments', summary: 'Long-poll the instances a host should hold', auth: true, access: 'agent', hosts: true, query: AssignmentsQuery, status: 200, response: AssignmentsResponse },
  agentCatalog: { method: 'GET', path: '/v1/agent/catalog', summary: 'Long-poll the service catalog (serving instances per app) for DNS and load balancers', auth: true, access: 'agent', hosts: true, query: CatalogQuery, status: 200, response: CatalogResponse },
  agentStatus: { method: 'POST', path: '/v1/agent/status', summary: 'Report the states of a host\'s instances', auth: true, access: 'agent', hosts: true, audit: false, body: StatusReport, status: 200, response: Ok },
  agentEvent: { method: 'POST', path: '/v1/agent/events', summary: 'Record something a host did on its own in the event log', auth: true, access: 'agent', hosts: true, audit: false, body: AgentEvent, status: 200, response: Ok },
} as const satisfies Record<string, RouteDef>;

export type RouteName = keyof typeof routes;
