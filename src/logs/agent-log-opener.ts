import type { LogLine } from './log-line.js';

export interface AgentLogRequest {
  /** The host's `agent_url`, e.g. `http://192.0.2.10:7071`. */
  agentUrl: string;
  /** The host's name (its certificate must carry it) and registered address (the only one called). */
  hostName: string;
  hostAddress: string;
  instanceId: string;
  follow: boolean;
  tailLines?: number | undefined;
  sinceMs?: number | undefined;
  signal: AbortSignal;
}

/**
 * What the server needs to read one instance's logs on its agent: `core/stream-app-logs.ts` asks
 * for it, the transport supplies it (`client/open-agent-logs.ts` over HTTP, a fake in tests).
 * Opens one instance's log stream on its agent; rejects (as `ApiError`, `unreachable`…) before any line.
 */
export type AgentLogOpener = (request: AgentLogRequest) => Promise<AsyncIterable<LogLine>>;
