/** What `planMaintenance` returns: the batches in order, or a refusal that says what to change. */
export interface PlannedMove {
  appId: string;
  slot: number;
  fromHostId: string;
}

export interface PlannedBatch {
  hostIds: string[];
  /** Instances moved away first (a replacement on another host serves before the old one stops). */
  moves: PlannedMove[];
  /** Pinned instances stopped while their host is maintained (they come back on the same host after). */
  stops: PlannedMove[];
  /** One sentence on why the batch is what it is (e.g. "2 hosts, the batch size" or "c alone: with d, default/pg would keep 1 serving instance, below its minimum 2"). */
  why: string;
}

export type MaintenancePlan =
  | { ok: true; batches: PlannedBatch[]; warnings: string[] }
  /** `batches`: what could be planned before the refusal (may be empty). */
  | { ok: false; reason: string; fix: string; batches: PlannedBatch[] };
