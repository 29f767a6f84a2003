import { z } from 'zod';
import { streamNdjson } from '../client/stream-ndjson.js';
import type { LogLine } from '../runtimes/runtime.js';

export interface AgentLogRequest {
  /** The host's `agent_url`, e.g. `http://192.0.2.10:7071`. */
  agentUrl: string;
  instanceId: string;
  follow: boolean;
  tailLines?: number | undefined;
  sinceMs?: number | undefined;
  signal: AbortSignal;
}

/** Opens one instance's log stream on its agent; rejects (as `ApiError`, `unreachable`…) before any line. */
export type AgentLogOpener = (request: AgentLogRequest) => Promise<AsyncIterable<LogLine>>;

const AgentLogLine = z.object({ container: z.string(), line: z.string(), at: z.number().nullable() });

/** How long an agent may take to start answering. */
const CONNECT_TIMEOUT_MS = 5_000;

/** The server's way to `GET /v1/local/instances/:id/logs` on an agent (see `agent/agent-http.ts`). */
export function agentLogOpener(token: string, fetchFn: typeof fetch = globalThis.fetch): AgentLogOpener {
  return ({ agentUrl, instanceId, follow, tailLines, sinceMs, signal }) => {
    const url = new URL(`${agentUrl.replace(/\/+$/, '')}/v1/local/instances/${encodeURIComponent(instanceId)}/logs`);
    url.searchParams.set('follow', String(follow));
    if (tailLines !== undefined) url.searchParams.set('tail', String(tailLines));
    if (sinceMs !== undefined) url.searchParams.set('since_ms', String(Math.max(0, Math.floor(sinceMs))));
    return streamNdjson({
      url,
      what: `GET ${url.pathname}`,
      peer: `agent at ${agentUrl}`,
      headers: { accept: 'application/x-ndjson', authorization: `Bearer ${token}` },
      fetch: fetchFn,
      signal,
      timeoutMs: CONNECT_TIMEOUT_MS,
      parse: (json) => AgentLogLine.parse(json),
    });
  };
}
