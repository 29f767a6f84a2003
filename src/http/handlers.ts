import type { z } from 'zod';
import type { RouteDef, RouteName, routes } from '../api/routes.js';
import type { CoreContext } from '../core/core-context.js';
import { deployApp } from '../core/deploy-app.js';
import { destroyApp } from '../core/destroy-app.js';
import { getAppStatus, listAppStatus } from '../core/get-app-status.js';
import { getAssignments } from '../core/get-assignments.js';
import { getCatalog } from '../core/get-catalog.js';
import { getDeployment } from '../core/get-deployment.js';
import { listAudit } from '../core/list-audit.js';
import { apiTokenView } from '../core/api-token-view.js';
import { createApiToken } from '../core/create-api-token.js';
import { revokeApiToken } from '../core/revoke-api-token.js';
import { listEvents } from '../core/list-events.js';
import { listGroupViews, listHostViews } from '../core/list-host-views.js';
import { listReleases } from '../core/list-releases.js';
import { recordHeartbeat } from '../core/record-heartbeat.js';
import { registerHost } from '../core/register-host.js';
import { reportInstanceStatus } from '../core/report-instance-status.js';
import { recordAgentEvent } from '../core/record-agent-event.js';
import { rollbackApp } from '../core/rollback-app.js';
import { scaleApp } from '../core/scale-app.js';
import { setHostCordon } from '../core/set-host-cordon.js';
import { streamAppLogs } from '../core/stream-app-logs.js';
import type { AgentLogOpener } from '../logs/agent-log-opener.js';
import type { AgentCaller } from '../api/agent-local.js';
import { listVolumes } from '../core/list-volumes.js';
import { listBackups } from '../core/backups/list-backups.js';
import { backupVolume, listSnapshots, removeVolume, restoreVolume, snapshotVolume } from '../core/volume-operations.js';
import { stopApp } from '../core/stop-app.js';
import { actOnOperation } from '../core/operations/act-on-operation.js';
import { planOperation } from '../core/operations/plan-operation.js';
import { startOperation } from '../core/operations/start-operation.js';
import { toOperationView } from '../core/views/to-operation-view.js';
import { authorizeHostId, registrationFor } from '../core/authorize-host.js';
import { createJoinToken } from '../core/create-join-token.js';
import { joinHost } from '../core/join-host.js';
import { listJoinTokens } from '../core/list-join-tokens.js';
import type { Principal } from '../core/principal.js';
import { visibleTo } from '../core/user-principal.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { removeHost } from '../core/remove-host.js';
import { renewHostCert } from '../core/renew-host-cert.js';
import { revokeJoinToken } from '../core/revoke-join-token.js';
import { listSecrets } from '../core/list-secrets.js';
import { removeSecret } from '../core/remove-secret.js';
import { restartApp } from '../core/restart-app.js';
import { rotateSecretKey } from '../core/rotate-secret-key.js';
import { setSecret } from '../core/set-secret.js';

type Parsed<R extends RouteDef, K extends keyof RouteDef> = R[K] extends z.ZodType ? z.output<R[K]> : undefined;

export interface HandlerInput<R extends RouteDef> {
  params: Parsed<R, 'params'>;
  query: Parsed<R, 'query'>;
  body: Parsed<R, 'body'>;
  /** Who is calling, for the event log. */
  actor: string;
  /** Who is calling, for what it may do: agent routes check a host acts as itself only. */
  principal: Principal;
  /** Aborted when the client goes away (long-polls stop waiting). */
  signal: AbortSignal;
  /** How the server reads an instance's output from its agent (`appLogs`). */
  agentLogs: AgentLogOpener;
  /** How the server asks an agent about what lives on its host (volumes). */
  agentCall: AgentCaller;
}

/** A streaming route's handler returns its lines as they come. */
type Answer<R extends RouteDef> = R extends { stream: true } ? AsyncIterable<z.input<R['response']>> : z.input<R['response']>;

export type Handlers = {
  [K in RouteName]: (ctx: CoreContext, input: HandlerInput<(typeof routes)[K]>) => Promise<Answer<(typeof routes)[K]>>;
};

/** Translation only: each handler turns parsed input into one core action. */
export const handlers: Handlers = {
  health: async () => ({ status: 'ok', version: '0.1.0' }),
  deploy: (ctx, { body, actor }) => deployApp(ctx, { ...body, actor }),
  // Lists show a namespace-scoped token its own namespaces only (the one check per route is in
  // build-http-app.ts; these calls name no namespace, or one of many results).
  listApps: async (ctx, { query, principal }) => {
    const body = await listAppStatus(ctx, query.namespace);
    return { apps: body.apps.filter((a) => visibleTo(principal, a.namespace)) };
  },
  getApp: (ctx, { params }) => getAppStatus(ctx, params.namespace, params.app),
  scaleApp: (ctx, { params, body, actor }) => scaleApp(ctx, { ...params, ...body, actor }),
  rollbackApp: (ctx, { params, body, actor }) => rollbackApp(ctx, { ...params, ...body, actor }),
  restartApp: (ctx, { params, actor }) => restartApp(ctx, { ...params, actor }),
  stopApp: (ctx, { params, actor }) => stopApp(ctx, { ...params, actor }),
  destroyApp: (ctx, { params, actor }) => destroyApp(ctx, { ...params, actor }),
  appLogs: (ctx, { params, query, signal, agentLogs }) =>
    streamAppLogs(ctx, { ...params, instance: query.instance, follow: query.follow === 'true', tailLines: query.tail, since: query.since, signal }, agentLogs),
  listReleases: (ctx, { params }) => listReleases(ctx, params.namespace, params.app),
  getDeployment: async (ctx, { params, principal }) => {
    const view = await getDeployment(ctx, params.id);
    if (!visibleTo(principal, view.namespace)) throw new NotFoundError('deployment', params.id);
    return view;
  },
  listHosts: (ctx) => listHostViews(ctx),
  cordonHost: (ctx, { params, actor }) => setHostCordon(ctx, { host: params.host, cordoned: true, actor }),
  uncordonHost: (ctx, { params, actor }) => setHostCordon(ctx, { host: params.host, cordoned: false, actor }),
  setSecret: (ctx, { params, body, actor }) => setSecret(ctx, { ...params, value: body.value, actor }),
  listSecrets: async (ctx, { query, principal }) => {
    const body = await listSecrets(ctx, query.namespace);
    return { secrets: body.secrets.filter((s) => visibleTo(principal, s.namespace)) };
  },
  removeSecret: (ctx, { params, actor }) => removeSecret(ctx, { ...params, actor }),
  listVolumes: async (ctx, { query, principal, agentCall }) => {
    const body = await listVolumes(ctx, query, agentCall);
    return { volumes: body.volumes.filter((v) => visibleTo(principal, v.namespace)) };
  },
  removeVolume: (ctx, { params, actor, agentCall }) => removeVolume(ctx, { ...params, actor }, agentCall),
  snapshotVolume: (ctx, { params, body, actor, agentCall }) => snapshotVolume(ctx, { ...params, snapshot: body.name, actor }, agentCall),
  listSnapshots: (ctx, { params, agentCall }) => listSnapshots(ctx, params, agentCall),
  restoreVolume: (ctx, { params, body, actor, agentCall }) => restoreVolume(ctx, { ...params, snapshot: body.snapshot, archive: body.archive, actor }, agentCall),
  backupVolume: (ctx, { params, body, actor, agentCall }) => backupVolume(ctx, { ...params, to: body.to, actor }, agentCall),
  listBackups: (ctx, { params }) => listBackups(ctx, params),
  rotateSecretKey: (ctx, { actor }) => rotateSecretKey(ctx, { actor }),
  createToken: (ctx, { body, actor }) => createApiToken(ctx, { ...body, actor }),
  listTokens: async (ctx) => ({ tokens: (await ctx.store.listApiTokens()).map(apiTokenView) }),
  revokeToken: (ctx, { params, actor }) => revokeApiToken(ctx, { id: params.id, actor }),
  listGroups: (ctx) => listGroupViews(ctx),
  listAudit: (ctx, { query }) => listAudit(ctx, query),
  listEvents: async (ctx, { query, principal }) => {
    const body = await listEvents(ctx, query);
    return { events: body.events.filter((e) => e.app === null || visibleTo(principal, e.app.split('/')[0] ?? '')) };
  },
  planOperation: async (ctx, { body }) => (await planOperation(ctx, body)).view,
  startOperation: async (ctx, { body, actor }) => {
    const op = toOperationView(await startOperation(ctx, body, actor));
    ctx.wakeOperations?.();
    return op;
  },
  listOperations: async (ctx) => ({ operations: (await ctx.store.listOperations({ limit: 50 })).map(toOperationView) }),
  getOperation: async (ctx, { params }) => {
    const op = await ctx.store.getOperation(params.id);
    if (!op) throw new NotFoundError('operation', params.id, 'see "bubo op ls"');
    return toOperationView(op);
  },
  actOnOperation: async (ctx, { params, actor }) => {
    const op = toOperationView(await actOnOperation(ctx, { id: params.id, action: params.action, actor }));
    ctx.wakeOperations?.();
    return op;
  },
  drainHost: (ctx, { params, actor }) => setHostCordon(ctx, { host: params.host, cordoned: true, drain: true, actor }),
  removeHost: (ctx, { params, query, actor }) => removeHost(ctx, { host: params.host, force: query.force === 'true', actor }),
  createJoinToken: (ctx, { body, actor }) => createJoinToken(ctx, { ...body, actor }),
  listJoinTokens: (ctx) => listJoinTokens(ctx),
  revokeJoinToken: (ctx, { params, actor }) => revokeJoinToken(ctx, { id: params.id, actor }),
  agentJoin: (ctx, { body }) => joinHost(ctx, body),
  agentRenew: (ctx, { body, principal }) => renewHostCert(ctx, principal, body.csr),
  agentRegister: (ctx, { body, principal }) => registerHost(ctx, registrationFor(principal, body)),
  agentHeartbeat: async (ctx, { body, principal }) => {
    await authorizeHostId(ctx, principal, body.host_id);
    return recordHeartbeat(ctx, body.host_id);
  },
  agentAssignments: async (ctx, { query, signal, principal }) => {
    await authorizeHostId(ctx, principal, query.host_id);
    return getAssignments(ctx, { hostId: query.host_id, index: query.index, waitMs: query.wait_ms, signal });
  },
  // Every host reads the whole catalog: DNS and load balancers answer for all of the cluster.
  agentCatalog: (ctx, { query, signal }) => getCatalog(ctx, { index: query.index, waitMs: query.wait_ms, peers: query.peers, peersDelta: query.peers_delta === '1', signal }),
  agentStatus: async (ctx, { body, principal }) => {
    await authorizeHostId(ctx, principal, body.host_id);
    return reportInstanceStatus(ctx, body);
  },
  agentEvent: async (ctx, { body, principal }) => {
    await authorizeHostId(ctx, principal, body.host_id);
    return recordAgentEvent(ctx, body);
  },
};
