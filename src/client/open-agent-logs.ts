import { z } from 'zod';
import { streamNdjson } from './stream-ndjson.js';
import { type AgentAuth, agentTransport } from './agent-transport.js';
import type { AgentLogOpener } from '../logs/agent-log-opener.js';

const AgentLogLine = z.object({ container: z.string(), line: z.string(), at: z.number().nullable() });

/** How long an agent may take to start answering. */
const CONNECT_TIMEOUT_MS = 5_000;

export type AgentLogAuth = AgentAuth;

/**
 * The server's way to `GET /v1/local/instances/:id/logs` on an agent (see `agent/agent-http.ts`).
 * An `https://` agent is called at its registered address only, over mTLS, and must present its
 * own host's certificate; no token is sent to it. A plain `http://` agent (one registered with
 * the admin token, which it therefore holds) gets the token, as before.
 */
export function agentLogOpener(auth: AgentLogAuth | string, fetchFn: typeof fetch = globalThis.fetch): AgentLogOpener {
  const options: AgentLogAuth = typeof auth === 'string' ? { token: auth, fetch: fetchFn } : auth;
  const transport = agentTransport(options);
  return ({ agentUrl, hostName, hostAddress, instanceId, follow, tailLines, sinceMs, signal }) => {
    const url = new URL(`${agentUrl.replace(/\/+$/, '')}/v1/local/instances/${encodeURIComponent(instanceId)}/logs`);
    url.searchParams.set('follow', String(follow));
    if (tailLines !== undefined) url.searchParams.set('tail', String(tailLines));
    if (sinceMs !== undefined) url.searchParams.set('since_ms', String(Math.max(0, Math.floor(sinceMs))));
    let target: ReturnType<typeof transport>;
    try {
      target = transport(url, agentUrl, hostName, hostAddress);
    } catch (error) {
      return Promise.reject(error);
    }
    const headers = { accept: 'application/x-ndjson', ...target.headers };
    const fetchImpl = target.fetch;
    return streamNdjson({
      url,
      what: `GET ${url.pathname}`,
      peer: `agent at ${agentUrl}`,
      headers,
      fetch: fetchImpl,
      signal,
      timeoutMs: CONNECT_TIMEOUT_MS,
      parse: (json) => AgentLogLine.parse(json),
    });
  };
}
