import { applyControlPlan } from './control-pass/apply-control-plan.js';
import { planControlPass } from './control-pass/plan-control-pass.js';
import { readControlSnapshot } from './control-pass/read-control-snapshot.js';
import type { CoreContext } from './core-context.js';

/** Last "cannot place" message per app, so a blocked app logs one event, not one per second. */
export type BlockedMemo = Map<string, string>;

export interface ReconcileOutcome {
  placed: number;
  stopped: number;
  lost: number;
  hostsDown: number;
  changedAssignments: boolean;
}

/**
 * One control pass, the way Nomad splits scheduler and plan applier: read a snapshot, decide a
 * plan purely (`planControlPass`), write it, all in ONE transaction, so that a `scale` or
 * `deploy` committed meanwhile is either in the snapshot or waits for the pass to commit; it is
 * never overwritten by a stale read. Then wake the agents and catalog followers. Safe to re-run
 * at any time and after a crash: it only ever acts on the stored state.
 */
export async function reconcileOnce(ctx: CoreContext, blocked: BlockedMemo = new Map()): Promise<ReconcileOutcome> {
  const now = ctx.now();
  // Notifier keys of what this pass changes: the hosts whose instances changed, the catalog.
  const changed = new Set<string>();
  const plan = await ctx.store.transaction(async (tx) => {
    const snapshot = await readControlSnapshot(ctx, tx, blocked);
    const plan = planControlPass(snapshot, now);
    await applyControlPlan(tx, plan, now, changed);
    return plan;
  });
  blocked.clear();
  for (const [key, message] of plan.blocked) blocked.set(key, message);
  for (const appId of plan.deleteApps) ctx.releases.forgetApp(appId);
  // Only the hosts whose instances changed wake; catalog followers (DNS, load balancers) wake
  // for a blue-green switch or a rollback now, not when their poll times out.
  ctx.notifier.notify(changed);
  return {
    placed: plan.place.length,
    stopped: plan.reconcilerStops,
    lost: plan.lost.length,
    hostsDown: plan.hostsDown.length,
    changedAssignments: plan.place.length + plan.reconcilerStops + plan.lost.length > 0,
  };
}
