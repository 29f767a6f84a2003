import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { identityUris, SERVER_IDENTITY_URI } from '../pki/identity-uri.js';
import type { AddressInfo } from 'node:net';
import { checkToken } from '../auth/check-token.js';
import { hasExec, hasLogs, type Runtime } from '../runtimes/runtime.js';
import type { LogOptions } from '../logs/log-line.js';
import { type AgentMaintenance, handleMaintenanceRoute } from './agent-maintenance-routes.js';
import { type AgentVolumeOps, handleVolumeRoute } from './agent-volume-routes.js';

export interface AgentHttpOptions {
  /** `host:port`; port 0 picks a free port. */
  listen: string;
  /** Without `tls`: the bearer token callers (the server) must present, the agent's own (admin) token. */
  token?: string;
  /**
   * With a host certificate: HTTPS with it, and only clients with a certificate of the cluster CA
   * that names the server (`urn:bubo:server`) are answered; no token is involved.
   */
  tls?: { cert: string; key: string; ca: string };
  runtimes: readonly Runtime[];
  /** Volume operations the server asks for (`agent-volume-routes.ts`); absent: those routes answer 404. */
  volumes?: AgentVolumeOps;
  /** Host maintenance the server drives (`agent-maintenance-routes.ts`); absent: those routes answer 404. */
  maintenance?: AgentMaintenance;
  log?: (line: string) => void;
}

export interface RunningAgentHttp {
  /** e.g. `http://192.0.2.10:7071`: what the agent registers as its `agent_url`. */
  url: string;
  /** A renewed host certificate: new connections use it. */
  updateTls(tls: { cert: string; key: string; ca: string }): void;
  close(): Promise<void>;
}

const LOGS = /^\/v1\/local\/instances\/([A-Za-z0-9][A-Za-z0-9_.-]{0,127})\/logs$/;
const EXEC = /^\/v1\/local\/instances\/([A-Za-z0-9][A-Za-z0-9_.-]{0,127})\/exec$/;
/** Longest a command asked for by the server may run (a backup's `before` hook: a database dump). */
const MAX_EXEC_MS = 60 * 60_000;
/** An argv is small (the task file caps it at 256 arguments of 4 KiB): a larger body is refused, not kept. */
const EXEC_BODY_LIMIT = 2 * 1024 * 1024;

/**
 * The agent's own HTTP listener, for what the server must fetch from a host rather than store,
 * besides the volume routes (`/v1/local/volumes…`, `agent-volume-routes.ts`), the host
 * maintenance routes (`/v1/local/maintenance…`, `agent-maintenance-routes.ts`: what the
 * maintenance file allows, run a command of it by name, reboot, checks) and
 * `POST …/instances/:id/exec` (a backup's `before` command): the logs, `GET /v1/local/instances/:id/logs?follow=&tail=&since_ms=`, answering
 * `application/x-ndjson`, one `{"container","line","at"}` per line. The stream ends when the
 * runtime's iteration ends (history read, or the instance gone) and is closed, runtime reader
 * included, when the caller disconnects.
 */
export async function startAgentHttp(options: AgentHttpOptions): Promise<RunningAgentHttp> {
  const log = options.log ?? (() => {});
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res, options).catch((error: unknown) => {
      log(`agent http: ${req.method} ${req.url}: ${(error as Error).message}`);
      if (!res.headersSent) sendError(res, 500, 'internal', 'internal error; see the agent log');
      else res.destroy();
    });
  };
  const server = options.tls
    ? createTlsServer({ cert: options.tls.cert, key: options.tls.key, ca: [options.tls.ca], requestCert: true, rejectUnauthorized: true }, listener)
    : createServer(listener);
  const { host, port } = splitListen(options.listen);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${urlHost}:${bound}`,
    updateTls: (tls) => {
      if ('setSecureContext' in server) server.setSecureContext({ cert: tls.cert, key: tls.key, ca: [tls.ca] });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: AgentHttpOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://agent');
  const match = LOGS.exec(url.pathname);
  const exec = EXEC.exec(url.pathname);
  const volumeRoute = url.pathname.startsWith('/v1/local/volumes');
  const maintenanceRoute = url.pathname === '/v1/local/maintenance' || url.pathname.startsWith('/v1/local/maintenance/');
  if (!volumeRoute && !maintenanceRoute && !(req.method === 'GET' && match) && !(req.method === 'POST' && exec)) return sendError(res, 404, 'not_found', `no route ${req.method} ${url.pathname}`);
  if (options.tls) {
    // The TLS layer already refused clients without a certificate of the cluster CA; of those,
    // only the server may read logs (a host's certificate is of the same CA).
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    if (!identityUris(peer?.subjectaltname).includes(SERVER_IDENTITY_URI)) return sendError(res, 403, 'forbidden', 'only the bubo server may call this listener');
  } else if (!options.token || !checkToken(req.headers.authorization, options.token)) {
    return sendError(res, 401, 'unauthorized', 'missing or wrong bearer token');
  }
  if (volumeRoute) {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!(await handleVolumeRoute(req, url, options.volumes, send))) sendError(res, 404, 'not_found', `no route ${req.method} ${url.pathname}`);
    return;
  }
  if (maintenanceRoute) {
    // Resolves once the answer is written: a reboot starts only after its {ok: true} went out.
    const send = (status: number, body: unknown) =>
      new Promise<void>((resolve) => {
        res.once('close', resolve);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body), resolve);
      });
    if (!(await handleMaintenanceRoute(req, url, options.maintenance, send))) sendError(res, 404, 'not_found', `no route ${req.method} ${url.pathname}`);
    return;
  }
  if (exec) return runExec(req, res, options.runtimes, exec[1]!);
  if (!match) return sendError(res, 404, 'not_found', `no route ${req.method} ${url.pathname}`);
  const id = match[1]!;
  const query = parseLogQuery(url.searchParams);
  if (typeof query === 'string') return sendError(res, 400, 'invalid_request', query);
  const runtime = await findRuntime(options.runtimes, id);
  if (!runtime) return sendError(res, 404, 'not_found', `instance "${id}" not found on this host`);

  const controller = new AbortController();
  res.once('close', () => controller.abort());
  res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
  res.flushHeaders();
  const lines = runtime.logs(id, { ...query, signal: controller.signal });
  // `for await` calls `return` on the runtime's iterator when the loop is left, whichever way.
  for await (const line of lines) {
    if (controller.signal.aborted) break;
    if (!res.write(`${JSON.stringify(line)}\n`)) await drained(res, controller.signal);
  }
  res.end();
}

/**
 * `POST /v1/local/instances/:id/exec {argv, container?, timeout_ms}` → `{exit_code, output}`: a
 * command in the instance, as its runtime runs exec checks (the container's namespaces, user and
 * environment; output cut at 64 KiB). For a backup's `before` hook.
 */
async function runExec(req: IncomingMessage, res: ServerResponse, runtimes: readonly Runtime[], id: string): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end (the caller waits to finish sending), keeping no more than the limit.
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= EXEC_BODY_LIMIT) chunks.push(chunk as Buffer);
  }
  if (size > EXEC_BODY_LIMIT) return sendError(res, 413, 'invalid_request', `request body over ${EXEC_BODY_LIMIT} bytes`);
  let body: { argv?: unknown; container?: unknown; timeout_ms?: unknown };
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as typeof body;
  } catch {
    return sendError(res, 400, 'invalid_request', 'the body must be a JSON object');
  }
  const { argv, container, timeout_ms: timeoutMs } = body;
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string')) return sendError(res, 400, 'invalid_request', '"argv" must be a non-empty array of strings');
  if (container !== undefined && container !== null && typeof container !== 'string') return sendError(res, 400, 'invalid_request', '"container" must be a container name');
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_EXEC_MS) return sendError(res, 400, 'invalid_request', `"timeout_ms" must be 1–${MAX_EXEC_MS}`);
  for (const runtime of runtimes) {
    if (!hasExec(runtime) || !(await runtime.inspect(id))) continue;
    let result: Awaited<ReturnType<typeof runtime.exec>>;
    try {
      result = await runtime.exec(id, (container as string | null | undefined) ?? null, argv as string[], timeoutMs);
    } catch (error) {
      // Not running, no such container, the control channel down: said as it is.
      return sendError(res, 409, 'conflict', (error as Error).message);
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ exit_code: result.exitCode, output: result.output }));
    return;
  }
  sendError(res, 404, 'not_found', `instance "${id}" not found on this host`);
}

async function findRuntime(runtimes: readonly Runtime[], id: string) {
  for (const runtime of runtimes) {
    if (hasLogs(runtime) && (await runtime.inspect(id))) return runtime;
  }
  return undefined;
}

/** `follow=true|1`, `tail=N`, `since_ms=<epoch ms>`; a string is the reason it is refused. */
export function parseLogQuery(params: URLSearchParams): Omit<LogOptions, 'signal'> | string {
  const follow = params.get('follow');
  const tail = params.get('tail');
  const since = params.get('since_ms');
  if (follow !== null && !['true', 'false', '1', '0'].includes(follow)) return `follow must be true or false, not "${follow}"`;
  if (tail !== null && !/^\d{1,9}$/.test(tail)) return `tail must be a whole number of lines, not "${tail}"`;
  if (since !== null && !/^\d{1,15}$/.test(since)) return `since_ms must be a time in milliseconds since the epoch, not "${since}"`;
  return {
    follow: follow === 'true' || follow === '1',
    ...(tail === null ? {} : { tailLines: Number(tail) }),
    ...(since === null ? {} : { sinceMs: Number(since) }),
  };
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ code, message, details: null }));
}

function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

function splitListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:]+)\]|([^:]+)):(\d{1,5})$/.exec(listen);
  if (!match || Number(match[3]) > 65535) throw new Error(`--agent-listen "${listen}" must be host:port, e.g. 0.0.0.0:7071`);
  return { host: match[1] ?? match[2]!, port: Number(match[3]) };
}
