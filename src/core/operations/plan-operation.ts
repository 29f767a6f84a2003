import type { OperationPlanView, OperationRequest } from '../../api/operation-view.js';
import type { MaintainSpec } from '../../domain/operation.js';
import { type MaintenancePlan, planMaintenance } from '../../operations/plan-maintenance.js';
import type { CoreContext } from '../core-context.js';
import { type GatheredMaintenance, gatherMaintenanceInput } from './gather-maintenance-input.js';
import { resolveMaintainSpec } from './resolve-maintain-spec.js';

export interface PlannedOperation {
  spec: MaintainSpec;
  gathered: GatheredMaintenance;
  plan: MaintenancePlan;
  view: OperationPlanView;
}

/** The batches `request` would run over the cluster as it is now (nothing is changed). */
export async function planOperation(ctx: CoreContext, request: OperationRequest): Promise<PlannedOperation> {
  const spec = resolveMaintainSpec(request);
  const gathered = await gatherMaintenanceInput(ctx, spec);
  const plan = planMaintenance(gathered.input);
  const name = (id: string) => gathered.hosts.get(id)?.name ?? id;
  const view: OperationPlanView = {
    ok: plan.ok,
    group: spec.group,
    batches: plan.batches.map((b) => ({
      hosts: b.hostIds.map(name),
      why: b.why,
      moves: b.moves.map((m) => ({ app: m.appId, slot: m.slot, from: name(m.fromHostId) })),
      stops: b.stops.map((m) => ({ app: m.appId, slot: m.slot, host: name(m.fromHostId) })),
    })),
    warnings: plan.ok ? plan.warnings : [],
    ...(plan.ok ? {} : { reason: plan.reason, fix: plan.fix }),
  };
  return { spec, gathered, plan, view };
}
