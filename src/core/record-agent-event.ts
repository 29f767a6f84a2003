import type { AgentEvent } from '../api/agent-protocol.js';
import type { CoreContext } from './core-context.js';
import { findHost } from './find-host.js';
import { event } from './record-event.js';

/** Appends an event a host reports (actor `host:<name>`); an unknown app is recorded without one. */
export async function recordAgentEvent(ctx: CoreContext, body: AgentEvent): Promise<{ ok: true }> {
  const host = await findHost(ctx.store, body.host_id);
  const app = body.app ? await ctx.store.getApp(body.app) : undefined;
  const now = ctx.now();
  await ctx.store.appendEvents([event(now, `host:${host.name}`, body.kind, body.message, { hostId: host.id, ...(app ? { appId: app.id } : {}) })]);
  return { ok: true };
}
