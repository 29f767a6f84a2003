import type { HostView } from '../api/host-view.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { CoreContext } from './core-context.js';
import { listHostViews } from './list-host-views.js';
import { event } from './record-event.js';

/** A cordoned host keeps its instances but receives no new ones. */
export async function setHostCordon(
  ctx: CoreContext,
  input: { host: string; cordoned: boolean; actor: string },
): Promise<HostView> {
  const host = (await ctx.store.getHostByName(input.host)) ?? (await ctx.store.getHost(input.host));
  if (!host) throw new NotFoundError('host', input.host, 'see "bubo hosts" for the registered hosts');
  if (host.cordoned !== input.cordoned) {
    await ctx.store.transaction(async (tx) => {
      const now = ctx.now();
      await tx.updateHost(host.id, { cordoned: input.cordoned });
      const kind = input.cordoned ? 'host.cordoned' : 'host.uncordoned';
      const what = input.cordoned ? 'cordoned: no new instances will be placed on it' : 'uncordoned';
      await tx.appendEvents([event(now, input.actor, kind, `host ${host.name} ${what}`, { hostId: host.id })]);
    });
    ctx.wake();
  }
  const views = await listHostViews(ctx);
  return views.hosts.find((h) => h.id === host.id)!;
}
