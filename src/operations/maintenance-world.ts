import type { MaintenanceHost, MaintenancePlanInput } from './maintenance-plan-input.js';

/** The input with its hosts indexed by id: what every batch check reads. */
export interface MaintenanceWorld {
  input: MaintenancePlanInput;
  hosts: ReadonlyMap<string, MaintenanceHost>;
}

export function maintenanceWorld(input: MaintenancePlanInput): MaintenanceWorld {
  return { input, hosts: new Map(input.groupHosts.map((h) => [h.id, h])) };
}
