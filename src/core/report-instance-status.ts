import type { StatusReport } from '../api/agent-protocol.js';
import { isTerminal } from '../domain/instance.js';
import type { CoreContext } from './core-context.js';
import { findHost } from './find-host.js';
import { readoptInstance } from '../reconciler/readopt-instance.js';
import { markAssignmentsChanged } from './mark-assignments-changed.js';
import { markCatalogChanged } from './mark-catalog-changed.js';
import { event } from './record-event.js';

/**
 * Agents own `state`: this records what they report. Reports about instances of another host,
 * unknown instances, or instances the server already gave up on (terminal) are ignored; the
 * agent stops those because they are missing from its assignments. An `unknown` instance (its
 * host was silent) reported alive is re-adopted or stopped, per `readoptInstance`.
 */
export async function reportInstanceStatus(ctx: CoreContext, report: StatusReport): Promise<{ ok: true }> {
  const host = await findHost(ctx.store, report.host_id);
  let changed = false;
  /** Hosts whose assignments a re-adoption changed (this one, and those of stopped replacements). */
  const reassigned = new Set<string>();
  const keys = new Set<string>();
  await ctx.store.transaction(async (tx) => {
    const now = ctx.now();
    const current = new Map((await tx.listInstances({ hostId: host.id })).map((i) => [i.id, i]));
    const events = [];
    for (const r of report.instances) {
      const instance = current.get(r.id);
      if (!instance || isTerminal(instance.state)) continue;
      const address = r.address === undefined ? instance.address : r.address;
      const message = r.message ?? '';
      if (r.images && Object.keys(r.images).length > 0 && (await tx.pinReleaseDigests(instance.appId, instance.release, r.images))) {
        ctx.releases.forget(instance.appId, instance.release);
        const list = Object.entries(r.images).map(([container, digest]) => `${container} ${digest.slice(0, 19)}…`).join(', ');
        events.push(
          event(now, `host:${host.name}`, 'release.pinned', `release ${instance.release} of ${instance.appId} pinned to the image digests it started with: ${list}`, {
            appId: instance.appId,
            data: { release: instance.release, digests: r.images },
          }),
        );
        changed = true;
      }
      let desired = instance.desired;
      if (instance.state === 'unknown' && instance.desired === 'run' && !isTerminal(r.state)) {
        // Its host is back with it: keep it unless a replacement serves already (readoptInstance).
        const siblings = await tx.listInstances({ appId: instance.appId });
        const verdict = readoptInstance(instance, siblings);
        if (verdict.stop.length > 0) await tx.updateInstances(verdict.stop, { desired: 'stop', updatedAt: now });
        if (!verdict.keep) desired = 'stop';
        if (!verdict.keep) reassigned.add(host.id);
        for (const id of verdict.stop) {
          const hostId = siblings.find((i) => i.id === id)?.hostId;
          if (hostId !== undefined) reassigned.add(hostId);
        }
        const what = verdict.keep ? `re-adopted on ${host.name}${verdict.stop.length > 0 ? `; stopping ${verdict.stop.join(', ')}` : ''}` : `stopping it on ${host.name}`;
        events.push(
          event(now, `host:${host.name}`, verdict.keep ? 'instance.readopted' : 'instance.stopping', `instance ${instance.id} ${what}: ${verdict.reason}`, {
            appId: instance.appId,
            hostId: host.id,
            data: { instance: instance.id, stopped: verdict.keep ? verdict.stop : [instance.id] },
          }),
        );
      }
      const health = r.health ?? instance.health;
      const healthMessage = r.health_message ?? (r.health === undefined ? instance.healthMessage : '');
      if (instance.state === r.state && instance.address === address && instance.message === message && instance.health === health && instance.healthMessage === healthMessage) continue;
      await tx.updateInstance(instance.id, { desired, state: r.state, address, message, health, healthMessage, updatedAt: now });
      changed = true;
      if (instance.health !== health && (health === 'healthy' || health === 'unhealthy')) {
        const why = health === 'unhealthy' && healthMessage ? `: ${healthMessage}` : '';
        events.push(
          event(now, `host:${host.name}`, `instance.${health}`, `instance ${instance.id} ${health} on ${host.name}${why}`, {
            appId: instance.appId,
            hostId: host.id,
            data: { instance: instance.id, release: instance.release, from: instance.health },
          }),
        );
      }
      if (instance.state !== r.state) {
        const why = message ? `: ${message}` : '';
        events.push(
          event(now, `host:${host.name}`, `instance.${r.state}`, `instance ${instance.id} ${r.state} on ${host.name}${why}`, {
            appId: instance.appId,
            hostId: host.id,
            data: { instance: instance.id, release: instance.release, from: instance.state },
          }),
        );
      }
    }
    if (events.length > 0) await tx.appendEvents(events);
    if (changed) await markCatalogChanged(tx, keys);
    if (reassigned.size > 0) await markAssignmentsChanged(tx, reassigned, keys);
  });
  // Every counter bumped above is announced: a long-poll's shared read of a counter stays valid
  // until its key is notified (wait-for-change.ts), so a bump without a notify would hide it.
  if (keys.size > 0) ctx.notifier.notify(keys);
  if (changed) ctx.wake();
  return { ok: true };
}
