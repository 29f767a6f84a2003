import { type Instance, isTerminal } from '../domain/instance.js';
import type { ReconcileHost } from './reconcile-input.js';
import type { LostInstance, UnknownInstance } from './reconcile-plan.js';

export interface HostVerdicts {
  /** Ready hosts that missed their heartbeat deadline, to be marked down by this plan. */
  goingDown: string[];
  /** Given up for good: on a host that is not registered, or told to stop while their host is silent. */
  lost: LostInstance[];
  /** Desired to run on a host that is down or going down now: state → unknown, slot kept. */
  unknown: UnknownInstance[];
}

/**
 * A host is down when it says so or when it sent no heartbeat for longer than the TTL, counted
 * from `heartbeatsSince` at the earliest (when this server started: while the server itself was
 * down, no host could reach it, so its silence then proves nothing).
 *
 * On such a host, an instance desired to run becomes `unknown` (nobody can vouch for it, but it
 * may well be running: the host may come back with it). One told to stop, and any instance of a
 * host that is no longer registered, is `lost`. So is an `unknown` one told to stop, whatever
 * its host: the agent stops it when it sees it missing from its assignments.
 */
export function findSilentHosts(now: number, hostTtlMs: number, hosts: readonly ReconcileHost[], instances: readonly Instance[], heartbeatsSince = 0): HostVerdicts {
  const whyDown = new Map<string, string>();
  const known = new Set<string>();
  const goingDown: string[] = [];
  const ttl = Math.round(hostTtlMs / 1000);
  for (const host of hosts) {
    known.add(host.id);
    const name = host.name ?? host.id;
    const since = Math.max(host.lastHeartbeatAt, heartbeatsSince);
    if (host.status === 'down') {
      whyDown.set(host.id, `host ${name} is down`);
    } else if (since < now - hostTtlMs) {
      goingDown.push(host.id);
      const silent = Math.round((now - since) / 1000);
      const when = host.lastHeartbeatAt >= heartbeatsSince ? `for ${silent}s` : `in the ${silent}s since the server started`;
      whyDown.set(host.id, `host ${name} sent no heartbeat ${when} (ttl ${ttl}s)`);
    }
  }
  const lost: LostInstance[] = [];
  const unknown: UnknownInstance[] = [];
  for (const i of instances) {
    if (isTerminal(i.state)) continue;
    if (!known.has(i.hostId)) {
      lost.push({ instanceId: i.id, reason: `host ${i.hostId} is not registered` });
      continue;
    }
    const reason = whyDown.get(i.hostId);
    if (i.state === 'unknown' && i.desired === 'stop') lost.push({ instanceId: i.id, reason: i.message || 'its host went silent' });
    else if (reason === undefined || i.state === 'unknown') continue;
    else if (i.desired === 'stop') lost.push({ instanceId: i.id, reason });
    else unknown.push({ instanceId: i.id, reason });
  }
  return { goingDown, lost, unknown };
}
