import type { MaintenanceWorld } from './maintenance-world.js';

/**
 * Why a set of hosts cannot be one batch. `reason` is a short clause without the hosts
 * (`default/pg would keep 1 serving instance, below its minimum 2`); `fix` says what would make
 * it possible, for a refusal.
 */
export interface BatchRejection {
  check: 'down' | 'spread' | 'min serving' | 'capacity';
  reason: string;
  fix: string;
}

/**
 * One rule a batch must keep. `batch` holds every host of the would-be batch, `added` among them
 * (the host being tried: checks about one host look only at it, the others passed already).
 */
export type BatchCheck = (world: MaintenanceWorld, batch: ReadonlySet<string>, added: string) => BatchRejection | null;
