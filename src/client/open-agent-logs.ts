import { z } from 'zod';
import { DomainError } from '../errors/domain-error.js';
import { streamNdjson } from './stream-ndjson.js';
import { tlsFetch } from './tls-fetch.js';
import type { AgentLogOpener } from '../logs/agent-log-opener.js';

const AgentLogLine = z.object({ container: z.string(), line: z.string(), at: z.number().nullable() });

/** How long an agent may take to start answering. */
const CONNECT_TIMEOUT_MS = 5_000;

export interface AgentLogAuth {
  /** Legacy agents (started with `--token`, `http://` listener): the bearer token they check. */
  token?: string;
  /**
   * Agents with a host certificate (`https://` listener): the cluster CA, the server's client
   * certificate and key; the agent's certificate must name the host (`urn:bubo:host:<name>`).
   */
  tls?: { ca: string; cert: string; key: string };
  /** The identity URI a host certificate must carry (from `pki/identity-uri.ts`). */
  hostIdentity?: (hostName: string) => string;
  fetch?: typeof fetch;
}

/**
 * The server's way to `GET /v1/local/instances/:id/logs` on an agent (see `agent/agent-http.ts`).
 * An `https://` agent is called at its registered address only, over mTLS, and must present its
 * own host's certificate; no token is sent to it. A plain `http://` agent (one registered with
 * the admin token, which it therefore holds) gets the token, as before.
 */
export function agentLogOpener(auth: AgentLogAuth | string, fetchFn: typeof fetch = globalThis.fetch): AgentLogOpener {
  const options: AgentLogAuth = typeof auth === 'string' ? { token: auth, fetch: fetchFn } : auth;
  const fetches = new Map<string, typeof fetch>();
  const mtlsFetch = (hostName: string): typeof fetch => {
    const tls = options.tls!;
    const expected = options.hostIdentity ? options.hostIdentity(hostName) : `urn:bubo:host:${hostName}`;
    let f = fetches.get(hostName);
    if (!f) {
      f = tlsFetch({
        ...tls,
        checkServerIdentity: (_host, cert) =>
          (cert.subjectaltname ?? '').split(/,\s*/).includes(`URI:${expected}`) ? undefined : new Error(`the agent's certificate is not host ${hostName}'s`),
      });
      fetches.set(hostName, f);
    }
    return f;
  };
  return ({ agentUrl, hostName, hostAddress, instanceId, follow, tailLines, sinceMs, signal }) => {
    const url = new URL(`${agentUrl.replace(/\/+$/, '')}/v1/local/instances/${encodeURIComponent(instanceId)}/logs`);
    url.searchParams.set('follow', String(follow));
    if (tailLines !== undefined) url.searchParams.set('tail', String(tailLines));
    if (sinceMs !== undefined) url.searchParams.set('since_ms', String(Math.max(0, Math.floor(sinceMs))));
    const headers: Record<string, string> = { accept: 'application/x-ndjson' };
    let fetchImpl = options.fetch ?? globalThis.fetch;
    if (url.protocol === 'https:') {
      if (!options.tls) return Promise.reject(new DomainError('unreachable', `agent at ${agentUrl} speaks TLS, but this server has no client certificate`));
      if (url.hostname.replace(/^\[|\]$/g, '') !== hostAddress) {
        return Promise.reject(new DomainError('unreachable', `host ${hostName} announced its listener at ${url.host}, not at its registered address ${hostAddress}; not calling it`));
      }
      fetchImpl = mtlsFetch(hostName);
    } else if (options.token) {
      headers['authorization'] = `Bearer ${options.token}`;
    }
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
