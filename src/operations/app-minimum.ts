import type { MaintenanceApp } from './maintenance-plan-input.js';

/**
 * The fewest serving instances a batch must leave the app: min(minServing, count), never below 0.
 * A pinned app of one instance gets 0 whatever its min_serving: its only copy lives on its host,
 * so requiring it to serve would make that host impossible to maintain, ever (rule 6 warns instead).
 */
export function appMinimum(app: MaintenanceApp): number {
  if (app.pinned && app.count <= 1) return 0;
  return Math.max(0, Math.min(app.minServing, app.count));
}
