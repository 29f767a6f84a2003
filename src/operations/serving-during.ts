import type { MaintenanceApp } from './maintenance-plan-input.js';

/**
 * The app's serving instances while the hosts of `batch` are maintained: a movable instance keeps
 * serving until its replacement serves elsewhere, so it counts wherever it is; a pinned one on the
 * batch is stopped. With an empty batch: how many serve now.
 */
export function servingDuring(app: MaintenanceApp, batch: ReadonlySet<string>): number {
  return app.instances.filter((i) => i.serving && !(app.pinned && batch.has(i.hostId))).length;
}
