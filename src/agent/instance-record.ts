import type { Assignment } from '../api/agent-protocol.js';

/** What the agent last told the server about an instance (a report is sent only when it changes). */
export interface ReportedState {
  state: string;
  address: string | null;
  message: string;
  health: string;
  healthMessage: string;
}

/**
 * Everything this agent process knows about one instance besides what its runtime shows: the one
 * state record per instance id. It lives as long as the instance is assigned or found running;
 * an agent restart starts with none (the runtimes' `list` is the truth that survives).
 */
export interface InstanceRecord {
  id: string;
  /**
   * The start, stop or restart in flight, if any: nothing else may act on the instance meanwhile
   * (the pure plans only ask whether it is null; the agent awaits it on shutdown).
   */
  work: Promise<void> | null;
  /** Why it failed here (start failed, no runtime, gave up after health checks); null while fine. */
  failure: string | null;
  /** Restarts in a row after failed health checks (reset once it is healthy). */
  unhealthyRestarts: number;
  /** The check output when it turned unhealthy: what is reported (steady, not per check). */
  unhealthyMessage: string | null;
  reported: ReportedState | null;
}

export function newInstanceRecord(id: string): InstanceRecord {
  return { id, work: null, failure: null, unhealthyRestarts: 0, unhealthyMessage: null, reported: null };
}

/** The assignments of one long-poll answer, by id. */
export type AssignmentSet = ReadonlyMap<string, Assignment>;
