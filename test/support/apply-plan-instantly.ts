import { type Instance, isTerminal } from '../../src/domain/instance.js';
import type { ReconcileInput } from '../../src/reconciler/reconcile-input.js';
import type { ReconcilePlan } from '../../src/reconciler/reconcile-plan.js';

/** Host that the simulated scheduler puts every new instance on; always heartbeating. */
export const SIMULATED_HOST = 'sim-host';

/**
 * A test world where agents act instantly: whatever is told to stop is stopped, whatever should
 * run is running (placed instances on SIMULATED_HOST). Returns the next input; never mutates the one given.
 */
export function applyPlanInstantly(input: ReconcileInput, plan: ReconcilePlan, round: number): ReconcileInput {
  const down = new Set(plan.hostsDown);
  const lost = new Set(plan.lost.map((l) => l.instanceId));
  const stopped = new Set(plan.stop.map((s) => s.instanceId));
  const unknown = new Set(plan.unknown.map((u) => u.instanceId));
  const instances: Instance[] = input.instances.map((i) => {
    if (lost.has(i.id)) return { ...i, state: 'lost' };
    // A silent host's agent does nothing: its instance stays unknown, only its desired state changes.
    if (unknown.has(i.id) || i.state === 'unknown') return { ...i, state: 'unknown', desired: stopped.has(i.id) ? 'stop' : i.desired, updatedAt: unknown.has(i.id) ? input.now : i.updatedAt };
    if (stopped.has(i.id)) return { ...i, desired: 'stop', state: isTerminal(i.state) ? i.state : 'stopped' };
    if (isTerminal(i.state)) return i;
    return { ...i, state: i.desired === 'run' ? 'running' : 'stopped' };
  });
  plan.place.forEach((p, n) => {
    instances.push({
      id: `sim-${round}-${n}`,
      appId: p.appId,
      release: p.release,
      hostId: SIMULATED_HOST,
      slot: p.slot,
      desired: 'run',
      state: 'running',
      address: null,
      message: '',
      health: 'none',
      healthMessage: '',
      createdAt: input.now,
      updatedAt: input.now,
    });
  });
  const hosts = input.hosts.map((h) => (down.has(h.id) ? { ...h, status: 'down' as const } : h));
  if (!hosts.some((h) => h.id === SIMULATED_HOST)) hosts.push({ id: SIMULATED_HOST, status: 'ready', lastHeartbeatAt: input.now });
  return { ...input, instances, hosts };
}
