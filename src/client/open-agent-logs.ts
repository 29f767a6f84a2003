import { z } from 'zod';
import { streamNdjson } from './stream-ndjson.js';
import type { AgentLogOpener } from '../logs/agent-log-opener.js';
import type { LogLine } from '../logs/log-line.js';

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
