import { z } from 'zod';

/**
 * The agent's own listener (`agent/agent-http.ts`) answers the server for what lives on a host:
 * logs (streamed) and, here, volume and host maintenance operations (JSON). Paths are under
 * `/v1/local/`.
 */
export interface AgentCallRequest {
  /** The host's `agent_url`. */
  agentUrl: string;
  /** The host's name (its certificate must carry it) and registered address (the only one called). */
  hostName: string;
  hostAddress: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** e.g. `/v1/local/volumes/default.pg.data.0/snapshots`. */
  path: string;
  body?: unknown;
  /** How long the agent may take to answer (a backup of a large volume takes long). */
  timeoutMs: number;
}

/** Calls one agent; resolves with its JSON answer, rejects with `ApiError` (its error body) or `unreachable`/`timeout`. */
export type AgentCaller = (request: AgentCallRequest) => Promise<unknown>;

export const LocalVolumeUsage = z.object({ volumes: z.array(z.object({ id: z.string(), size_mib: z.number(), used_mib: z.number() })) });
export const LocalSnapshotList = z.object({ snapshots: z.array(z.string()) });
export const LocalBackup = z.object({ archive: z.string(), sha256: z.string(), bytes: z.number() });
export const LocalDone = z.object({ ok: z.literal(true) });
/** A command run in an instance (`POST /v1/local/instances/:id/exec`). */
export const LocalExec = z.object({ exit_code: z.number(), output: z.string() });
/** Archives retention deleted (`POST /v1/local/volumes/:id/prune`). */
export const LocalPruned = z.object({ removed: z.array(z.string()) });
/**
 * `GET /v1/local/maintenance`: which agent process answers (`incarnation`, a random id per
 * start, and `started_at`), the host's boot (`boot_id`, '' when unknown) and what its maintenance
 * file allows: command and check names, the reboot argv (empty: no file, nothing may reboot it).
 */
export const LocalMaintenanceInfo = z.object({
  incarnation: z.string(),
  started_at: z.number(),
  boot_id: z.string(),
  commands: z.array(z.string()),
  checks: z.array(z.string()),
  reboot: z.array(z.string()),
});
/** `POST /v1/local/maintenance/check`: the built-in runtime checks, then the file's; `ok` when all are. */
export const LocalMaintenanceCheck = z.object({
  ok: z.boolean(),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), output: z.string() })),
});
