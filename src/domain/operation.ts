/**
 * A maintenance operation: a human-started run over the hosts of a group, batch by batch (drain,
 * patch, reboot, check, uncordon, settle), recorded step by step so that it survives a server
 * restart and a human can pause it, take over, and resume.
 */
export type OperationStatus = 'running' | 'paused' | 'done' | 'aborted';

/** The steps of one batch, in order; `run` and `reboot` only when the operation asks for them. */
export const BATCH_STEPS = ['drain', 'run', 'reboot', 'check', 'uncordon', 'settle'] as const;
export type BatchStep = (typeof BATCH_STEPS)[number];

/** One host's state in the current step of its batch. */
export type HostStepState = 'pending' | 'active' | 'done' | 'failed' | 'skipped';

export interface MaintainSpec {
  group: string;
  /** Host names the user named (`--hosts`); empty: every host of the group (matching `labels`). */
  hosts: string[];
  labels: Record<string, string>;
  batch: { hosts: number } | { percent: number };
  /** A maintenance command name the agents' `--maintenance` file defines (`patch`), or null. */
  run: string | null;
  reboot: boolean;
  pauseAfterEachBatch: boolean;
  /** How long a drain, a reboot, and the return of the instances may take before the step fails. */
  drainDeadlineMs: number;
  rebootDeadlineMs: number;
  settleDeadlineMs: number;
}

export interface OperationBatch {
  hostIds: string[];
  /** Why the planner made it so. */
  why: string;
  /** Instances moved away first / pinned instances stopped and brought back on the same host. */
  moves: number;
  stops: number;
}

export interface OperationHost {
  id: string;
  name: string;
  /** Index into `batches`. */
  batch: number;
  state: HostStepState;
  /** Skipped by a human after a failure: no more run/reboot/check, still uncordoned at the end of its batch. */
  skipped: boolean;
  /** Cordoned before the operation: it stays cordoned after. */
  wasCordoned: boolean;
  /** Runtimes available on it when the operation started: the check step fails on one lost since. */
  runtimesBefore?: string[];
  /** The agent's incarnation before its reboot was asked for (it changes when the agent comes back). */
  incarnation?: string;
  /** When the current step started for this host (a reboot's request time). */
  since?: number;
  /** The last output of a run or a check on this host (tail). */
  output?: string;
}

export interface OperationFailure {
  batch: number;
  step: BatchStep;
  hostIds: string[];
  message: string;
  output: string;
  at: number;
}

export interface Operation {
  id: string;
  kind: 'maintain';
  status: OperationStatus;
  spec: MaintainSpec;
  batches: OperationBatch[];
  warnings: string[];
  hosts: OperationHost[];
  /** Serving instances per app when the operation started: `settle` waits for at least this many again (never above count). */
  baseline: Record<string, number>;
  /** The batch being worked on (== batches.length once done). */
  batch: number;
  step: BatchStep;
  stepStartedAt: number;
  /** A pause was asked for while a step ran: the operation pauses at the next step boundary. */
  pauseRequested: boolean;
  failure: OperationFailure | null;
  /** What it is doing or waiting for, in a sentence. */
  message: string;
  /** Every step that finished, oldest first (for `bubo op show`). */
  log: { at: number; batch: number; step: BatchStep | 'operation'; message: string }[];
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}
