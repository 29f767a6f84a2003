import { type Instance, isTerminal } from '../domain/instance.js';
import type { ReconcileHost } from './reconcile-input.js';
import type { LostInstance } from './reconcile-plan.js';

export interface HostVerdicts {
  /** Ready hosts that missed their heartbeat deadline, to be marked down by this plan. */
  goingDown: string[];
  lost: LostInstance[];
}

/**
 * A host is down when it says so or when its heartbeat is older than the TTL. Every instance not
 * yet terminal on a down host (or on a host that is no longer registered) is lost: whatever the
 * agent last reported, nobody can vouch for it any more.
 */
export function findLostInstances(now: number, hostTtlMs: number, hosts: readonly ReconcileHost[], instances: readonly Instance[]): HostVerdicts {
  const whyDown = new Map<string, string>();
  const known = new Set<string>();
  const goingDown: string[] = [];
  for (const host of hosts) {
    known.add(host.id);
    if (host.status === 'down') {
      whyDown.set(host.id, `host ${host.id} is down`);
    } else if (host.lastHeartbeatAt < now - hostTtlMs) {
      goingDown.push(host.id);
      const seconds = Math.round((now - host.lastHeartbeatAt) / 1000);
      whyDown.set(host.id, `host ${host.id} missed its heartbeats (last one ${seconds}s ago, ttl ${Math.round(hostTtlMs / 1000)}s)`);
    }
  }
  const lost: LostInstance[] = [];
  for (const instance of instances) {
    if (isTerminal(instance.state)) continue;
    const reason = known.has(instance.hostId) ? whyDown.get(instance.hostId) : `host ${instance.hostId} is not registered`;
    if (reason !== undefined) lost.push({ instanceId: instance.id, reason });
  }
  return { goingDown, lost };
}
