import { type Duplex, Readable } from 'node:stream';
import { TLSSocket } from 'node:tls';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { type RouteDef, routes } from '../api/routes.js';
import type { CoreContext } from '../core/core-context.js';
import { UnauthorizedError } from '../errors/unauthorized-error.js';
import { ForbiddenError } from '../errors/forbidden-error.js';
import { findHostPrincipal } from '../core/find-host-principal.js';
import { ADMIN, type Principal } from '../core/principal.js';
import { authorize } from '../core/authorize.js';
import { findUserPrincipal } from '../core/user-principal.js';
import { taskNamespace } from '../core/task-namespace.js';
import type { AuditRecord } from '../domain/audit-record.js';
import { certFingerprint } from '../pki/fingerprint.js';
import { agentLogOpener } from '../client/open-agent-logs.js';
import type { AgentLogOpener } from '../logs/agent-log-opener.js';
import type { AgentCaller } from '../api/agent-local.js';
import { agentCaller } from '../client/agent-caller.js';
import { buildOpenApi } from './build-openapi.js';
import { checkToken } from '../auth/check-token.js';
import { errorToResponse } from './error-to-response.js';
import { type HandlerInput, handlers } from './handlers.js';
import { parseInput } from './parse-input.js';
import { serializeOnce } from './serialize-once.js';

export const API_VERSION = '0.1.0';
const BODY_LIMIT = 1024 * 1024;

export interface HttpAppOptions {
  ctx: CoreContext;
  token: string;
  /** Where to log unexpected errors (default: stderr). */
  logError?: (error: unknown, request: string) => void;
  /** How log streams are read from agents; default: their HTTP listener, with `token`. */
  agentLogs?: AgentLogOpener;
  /** How volume operations reach agents; default: their HTTP listener, with `token`. */
  agentCall?: AgentCaller;
  /**
   * Serve HTTPS (the `--tls-listen` listener): the server's certificate chain and key, and the
   * cluster CA that client certificates are verified against. A client without a certificate
   * still connects (the admin token works here too); one with a certificate of the CA is a host.
   */
  tls?: { cert: string; key: string; ca: string };
  /** Each audit record once stored (`bubo server --audit-log FILE`); must not throw. */
  auditSink?: (record: Omit<AuditRecord, 'id'>) => void;
}

/**
 * The HTTP transport: parse, authenticate, call the handler, map errors. Tests use
 * `app.inject()` on the returned instance, without sockets.
 */
export function buildHttpApp(options: HttpAppOptions): FastifyInstance {
  // Long-polls and idle keep-alive sockets would hold `close()` for up to their wait; cutting them
  // is safe (agents retry), so close drops every connection.
  const app = Fastify({
    logger: false,
    ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key, ca: [options.tls.ca], requestCert: true, rejectUnauthorized: false } } : {}),
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
    forceCloseConnections: true,
    // Errors Fastify raises before routing (a path that is not valid percent-encoding) get the
    // API's error body too, not Fastify's own.
    frameworkErrors: (error, request, reply) => {
      const { status, body } = errorToResponse(error);
      codes.set(request, body.code);
      // Typed for the generic route; this reply has no schema, so any code and body go.
      void (reply as unknown as FastifyReply).code(status).send(body);
    },
    // What Node's parser refuses (headers over its limit, malformed requests) never reaches
    // Fastify; answer it with the same body before closing.
    clientErrorHandler: writeClientError,
  });
  /** The error code each failed request was answered with, for the audit log. */
  const codes = new WeakMap<object, string>();
  const logError =
    options.logError ?? ((error, request) => process.stderr.write(`bubo: ${request}: ${(error as Error)?.stack ?? String(error)}\n`));
  const openapi = buildOpenApi(routes, API_VERSION);
  const agentLogs = options.agentLogs ?? agentLogOpener(options.token);
  const agentCall = options.agentCall ?? agentCaller(options.token);

  // The API speaks JSON only: a text/plain body is refused as a media type, not half-parsed.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler((error, request, reply) => {
    const { status, body, internal } = errorToResponse(error);
    if (internal) logError(error, `${request.method} ${request.url}`);
    codes.set(request, body.code);
    void reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    codes.set(request, 'not_found');
    void reply.code(404).send({ code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}`, details: null });
  });

  // Everything but the health endpoint needs the token, the API description and unknown paths
  // included. Checked on request, before the body is read or parsed: a caller without the token
  // learns nothing but 401, not whether its body was too large, malformed or of the wrong type.
  // A bearer header is the bootstrap admin token or a live user token (looked up on every
  // request, so a revocation takes effect at once), else 401; without one, a verified client certificate is
  // looked up as a host on every request (a removed host's certificate fails at once), and a host
  // may call the agent routes only.
  const table = Object.values(routes as Record<string, RouteDef>);
  const publicPaths = new Set(table.filter((r) => !r.auth).map((r) => `${r.method} ${r.path}`));
  const hostPaths = new Set(table.filter((r) => r.hosts).map((r) => `${r.method} ${r.path}`));
  const principals = new WeakMap<object, Principal>();
  app.addHook('onRequest', async (request) => {
    const route = `${request.method} ${request.routeOptions.url ?? ''}`;
    if (publicPaths.has(route)) return;
    const fingerprint = request.headers.authorization === undefined ? clientCertFingerprint(request.raw.socket) : undefined;
    if (fingerprint === undefined) {
      if (checkToken(request.headers.authorization, options.token)) {
        principals.set(request, ADMIN);
        return;
      }
      const user = await findUserPrincipal(options.ctx, request.headers.authorization);
      if (!user) throw new UnauthorizedError(refusedClientCert(request.raw.socket));
      principals.set(request, user);
      return;
    }
    const principal = await findHostPrincipal(options.ctx, fingerprint);
    if (!principal) throw new UnauthorizedError('this client certificate belongs to no host of this cluster (removed, or expired); the machine must join again with a new join token');
    principals.set(request, principal);
    if (!hostPaths.has(route)) throw new ForbiddenError(`a host certificate may only call the agent API, not ${request.method} ${request.url.split('?')[0]}`);
  });

  // The audit log: every call but a GET, refused ones included, recorded before the answer goes
  // out (a caller never sees an outcome the log does not hold). Only the path: bodies (task files,
  // secret values) never enter it. No route writes or deletes records.
  const unaudited = new Set(table.filter((r) => r.audit === false).map((r) => `${r.method} ${r.path}`));
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method === 'GET' || request.method === 'HEAD') return payload;
    const template = request.routeOptions.url ?? null;
    if (template !== null && unaudited.has(`${request.method} ${template}`)) return payload;
    const principal = principals.get(request);
    const record: Omit<AuditRecord, 'id'> = {
      at: options.ctx.now(),
      actor: principal ? actorOf(principal) : 'anonymous',
      role: roleOf(principal),
      method: request.method,
      route: template,
      target: (request.url.split('?')[0] ?? '').slice(0, 2048),
      status: reply.statusCode,
      code: reply.statusCode >= 400 ? (codes.get(request) ?? null) : null,
    };
    try {
      await options.ctx.store.appendAudit(record);
      options.auditSink?.(record);
    } catch (error) {
      logError(error, `audit record of ${request.method} ${record.target}`);
    }
    return payload;
  });
  app.get('/v1/openapi.json', async () => openapi);
  for (const [name, route] of Object.entries(routes) as [keyof typeof routes, RouteDef][]) {
    app.route({
      method: route.method,
      url: route.path,
      handler: async (request, reply) => {
        const principal = principals.get(request) ?? ADMIN;
        const params = route.params ? parseInput(route.params, request.params, 'path') : undefined;
        const query = route.query ? parseInput(route.query, request.query, 'query') : undefined;
        // The one permission check for user tokens, from the route's declared access and the
        // namespace the call names: before the body is validated, but for a deploy (its task
        // file names the namespace).
        if (principal.kind === 'user' && name !== 'deploy') refuseUnless(principal, route, namespaceOf(params, query));
        const body = route.body ? parseInput(route.body, request.body, 'body') : undefined;
        if (principal.kind === 'user' && name === 'deploy') refuseUnless(principal, route, taskNamespace((body as { task: string }).task));
        const input = {
          params,
          query,
          body,
          actor: actorOf(principal),
          principal,
          signal: abortOnClose(reply),
          agentLogs,
          agentCall,
        };
        const handler = handlers[name] as (ctx: CoreContext, input: HandlerInput<RouteDef>) => Promise<unknown>;
        const result = await handler(options.ctx, input as HandlerInput<RouteDef>);
        if (route.stream) return reply.code(route.status).type('application/x-ndjson').send(Readable.from(ndjson(result as AsyncIterable<unknown>)));
        if (typeof result !== 'object' || result === null) return reply.code(route.status).send(result);
        return reply.code(route.status).type('application/json; charset=utf-8').send(serializeOnce(result));
      },
    });
  }
  return app;
}

function actorOf(principal: Principal | undefined): string {
  if (principal?.kind === 'host') return `host:${principal.name}`;
  if (principal?.kind === 'user') return principal.token.name;
  return 'admin';
}

function roleOf(principal: Principal | undefined): string {
  if (principal === undefined) return 'none';
  return principal.kind === 'user' ? principal.token.role : principal.kind;
}

function refuseUnless(principal: Extract<Principal, { kind: 'user' }>, route: RouteDef, namespace: string | null): void {
  const refusal = authorize(principal.token, route.access, namespace);
  if (refusal !== null) throw new ForbiddenError(refusal);
}

function namespaceOf(params: unknown, query: unknown): string | null {
  const of = (value: unknown) => (typeof value === 'object' && value !== null ? (value as { namespace?: unknown }).namespace : undefined);
  const namespace = of(params) ?? of(query);
  return typeof namespace === 'string' ? namespace : null;
}


const fingerprints = new WeakMap<object, string | null>();

/** The fingerprint of a client certificate the TLS layer verified against the cluster CA, once per connection. */
function clientCertFingerprint(socket: unknown): string | undefined {
  if (!(socket instanceof TLSSocket)) return undefined;
  let fingerprint = fingerprints.get(socket);
  if (fingerprint === undefined) {
    const cert = socket.authorized ? socket.getPeerCertificate() : undefined;
    fingerprint = cert?.raw ? certFingerprint(cert.raw) : null;
    fingerprints.set(socket, fingerprint);
  }
  return fingerprint ?? undefined;
}

/**
 * Why a client certificate the TLS layer did not verify was refused (expired, not of this CA),
 * for a request that has nothing else; undefined when it presented none. An agent whose
 * certificate ran out logs this rather than "missing bearer token".
 */
function refusedClientCert(socket: unknown): string | undefined {
  if (!(socket instanceof TLSSocket) || socket.authorized || !socket.getPeerCertificate()?.raw) return undefined;
  // Node gives OpenSSL's code (a string, despite its type).
  const code = String(socket.authorizationError ?? 'not verified');
  return `the client certificate was refused (${code}${CERT_ERRORS[code] ?? ''}); a host whose certificate expired must join again with a new join token`;
}

const CERT_ERRORS: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: ': it has expired',
  CERT_NOT_YET_VALID: ': it is not valid yet; is this host\'s clock behind?',
};

function writeClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) return;
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const body = JSON.stringify({
    code: tooLarge ? 'headers_too_large' : 'invalid_request',
    message: tooLarge ? 'request headers are too large' : 'the request is not valid HTTP',
    details: null,
  });
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function abortOnClose(reply: FastifyReply): AbortSignal {
  // The response's "close" fires once per request: after it is sent, or when the client went
  // away first (then it is not finished). Socket listeners would pile up on keep-alive sockets.
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

async function* ndjson(lines: AsyncIterable<unknown>): AsyncGenerator<string> {
  for await (const line of lines) yield `${JSON.stringify(line)}\n`;
}
