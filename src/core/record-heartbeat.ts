import type { CoreContext } from './core-context.js';
import { findHost } from './find-host.js';
import { event } from './record-event.js';

export async function recordHeartbeat(ctx: CoreContext, hostId: string): Promise<{ ok: true }> {
  const host = await findHost(ctx.store, hostId);
  const now = ctx.now();
  if (host.status === 'down') {
    await ctx.store.transaction(async (tx) => {
      await tx.updateHost(host.id, { status: 'ready', lastHeartbeatAt: now });
      await tx.appendEvents([event(now, `host:${host.name}`, 'host.up', `host ${host.name} is back`, { hostId: host.id })]);
    });
    ctx.wake();
  } else {
    // Written with the next control-loop pass (see heartbeat-buffer.ts), before it reads hosts.
    ctx.heartbeats.record(host.id, now);
  }
  return { ok: true };
}
