import type { OperationRequest } from '../../api/operation-view.js';
import type { Operation } from '../../domain/operation.js';
import { ConflictError } from '../../errors/conflict-error.js';
import type { CoreContext } from '../core-context.js';
import { newId } from '../new-id.js';
import { event } from '../record-event.js';
import { planOperation } from './plan-operation.js';

/**
 * Plans `request` and records the operation, running from its first batch's drain; the runner
 * takes it from there. Refused while another operation is running or paused (two would drain
 * hosts under each other's plan), and when the plan is refused (its reason and fix).
 */
export async function startOperation(ctx: CoreContext, request: OperationRequest, actor: string): Promise<Operation> {
  const active = await ctx.store.listOperations({ active: true });
  if (active.length > 0) {
    const other = active[0]!;
    throw new ConflictError(`operation ${other.id} (${other.kind} of group ${other.spec.group}) is ${other.status}; finish or abort it first ("bubo op show ${other.id}")`);
  }
  const { spec, gathered, plan, view } = await planOperation(ctx, request);
  if (!plan.ok) throw new ConflictError(`cannot maintain group ${spec.group}: ${plan.reason}; ${plan.fix}`, { plan: view });
  const now = ctx.now();
  const name = (id: string) => gathered.hosts.get(id)?.name ?? id;
  const batches = plan.batches.map((b) => ({ hostIds: b.hostIds, why: b.why, moves: b.moves.length, stops: b.stops.length }));
  const op: Operation = {
    id: newId('op'),
    kind: 'maintain',
    status: 'running',
    spec,
    batches,
    warnings: plan.warnings,
    hosts: plan.batches.flatMap((b, batch) =>
      b.hostIds.map((id) => ({ id, name: name(id), batch, state: 'pending' as const, skipped: false, wasCordoned: gathered.hosts.get(id)?.cordoned ?? false,
        runtimesBefore: (gathered.hosts.get(id)?.runtimes ?? []).filter((r) => r.available).map((r) => r.name),
      })),
    ),
    baseline: gathered.baseline,
    batch: 0,
    step: 'drain',
    stepStartedAt: now,
    pauseRequested: false,
    failure: null,
    message: `batch 1/${batches.length}: drain`,
    log: [{ at: now, batch: 0, step: 'operation', message: `started by ${actor}: ${batches.length} batch(es) over ${plan.batches.reduce((n, b) => n + b.hostIds.length, 0)} host(s) of group ${spec.group}` }],
    createdBy: actor,
    createdAt: now,
    updatedAt: now,
    finishedAt: null,
  };
  await ctx.store.transaction(async (tx) => {
    await tx.putOperation(op);
    await tx.appendEvents([event(now, actor, 'operation.started', `operation ${op.id}: maintain group ${spec.group} in ${batches.length} batch(es): ${view.batches.map((b) => b.hosts.join('+')).join(', ')}`, { data: { operation: op.id } })]);
  });
  return op;
}
