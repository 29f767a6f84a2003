import { z } from 'zod';

/** `POST /v1/operations` and `POST /v1/operations/plan`: what `bubo op start maintain` sends. */
export const OperationRequest = z.strictObject({
  kind: z.literal('maintain'),
  group: z.string().min(1).max(63),
  /** Host names to maintain (default: every host of the group, matching `labels`). */
  hosts: z.array(z.string().max(253)).max(10_000).optional(),
  labels: z.record(z.string().max(63), z.string().max(253)).optional(),
  /** Most hosts per batch: `2`, or a share of the hosts, `25%`. Default 1. */
  batch: z.string().max(8).optional(),
  /** A command name of the agents' `--maintenance` file, e.g. `patch`; never a command. */
  run: z.string().max(63).optional(),
  reboot: z.boolean().optional(),
  pause_after_each_batch: z.boolean().optional(),
  /** Durations, e.g. `10m`: how long a drain, a reboot, the return of the instances may take. */
  drain_deadline: z.string().max(16).optional(),
  reboot_deadline: z.string().max(16).optional(),
  settle_deadline: z.string().max(16).optional(),
});
export type OperationRequest = z.infer<typeof OperationRequest>;

export const PlannedBatchView = z.object({
  hosts: z.array(z.string()),
  why: z.string(),
  /** Instances moved to other hosts first (each serves before its predecessor stops). */
  moves: z.array(z.object({ app: z.string(), slot: z.number().int(), from: z.string() })),
  /** Instances pinned by a volume: stopped while their host is maintained, back on it after. */
  stops: z.array(z.object({ app: z.string(), slot: z.number().int(), host: z.string() })),
});
export type PlannedBatchView = z.infer<typeof PlannedBatchView>;

/** The plan shown before an operation starts (and what a refused one says). */
export const OperationPlanView = z.object({
  ok: z.boolean(),
  group: z.string(),
  batches: z.array(PlannedBatchView),
  warnings: z.array(z.string()),
  /** When `ok` is false: why it cannot be done, and what would fix it. */
  reason: z.string().optional(),
  fix: z.string().optional(),
});
export type OperationPlanView = z.infer<typeof OperationPlanView>;

export const OperationHostView = z.object({
  name: z.string(),
  batch: z.number().int(),
  /** `waiting` (a later batch), `pending|active|done|failed` in the current step, `finished`, `skipped`. */
  state: z.string(),
  was_cordoned: z.boolean(),
  output: z.string().optional(),
});

export const OperationView = z.object({
  id: z.string(),
  kind: z.literal('maintain'),
  status: z.enum(['running', 'paused', 'done', 'aborted']),
  group: z.string(),
  run: z.string().nullable(),
  reboot: z.boolean(),
  pause_after_each_batch: z.boolean(),
  batches: z.array(z.object({ hosts: z.array(z.string()), why: z.string(), moves: z.number().int(), stops: z.number().int() })),
  warnings: z.array(z.string()),
  /** 1-based batch being worked on (batches + 1 once done) and its step. */
  batch: z.number().int(),
  step: z.string(),
  message: z.string(),
  pause_requested: z.boolean(),
  failure: z
    .object({ batch: z.number().int(), step: z.string(), hosts: z.array(z.string()), message: z.string(), output: z.string(), at: z.string() })
    .nullable(),
  hosts: z.array(OperationHostView),
  log: z.array(z.object({ at: z.string(), batch: z.number().int(), step: z.string(), message: z.string() })),
  created_by: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  finished_at: z.string().nullable(),
});
export type OperationView = z.infer<typeof OperationView>;

export const OperationList = z.object({ operations: z.array(OperationView) });
export type OperationList = z.infer<typeof OperationList>;

export const OperationParams = z.strictObject({ id: z.string().max(64) });
/** pause: at the next step boundary; resume: go on after a pause; retry/skip: the failed hosts' step; abort: stop, hosts restored. */
export const OperationAction = z.enum(['pause', 'resume', 'abort', 'retry', 'skip']);
export const OperationActionParams = z.strictObject({ id: z.string().max(64), action: OperationAction });
