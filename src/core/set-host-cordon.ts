import type { HostView } from '../api/host-view.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { CoreContext } from './core-context.js';
import { listHostViews } from './list-host-views.js';
import { event } from './record-event.js';

/** A cordoned host keeps its instances but receives no new ones; a draining one (cordoned too) has them replaced elsewhere. */
export async function setHostCordon(
  ctx: CoreContext,
  input: { host: string; cordoned: boolean; actor: string; drain?: boolean },
): Promise<HostView> {
  const host = (await ctx.store.getHostByName(input.host)) ?? (await ctx.store.getHost(input.host));
  if (!host) throw new NotFoundError('host', input.host, 'see "bubo hosts" for the registered hosts');
  // Draining implies cordoned; uncordoning ends a drain too.
  const draining = input.cordoned && (input.drain ?? host.draining ?? false);
  if (host.cordoned !== input.cordoned || (host.draining ?? false) !== draining) {
    await ctx.store.transaction(async (tx) => {
      const now = ctx.now();
      await tx.updateHost(host.id, { cordoned: input.cordoned, draining });
      const kind = draining ? 'host.draining' : input.cordoned ? 'host.cordoned' : 'host.uncordoned';
      const what = draining
        ? 'draining: its instances are replaced on other hosts of its group, one per app at a time'
        : input.cordoned
          ? 'cordoned: no new instances will be placed on it'
          : 'uncordoned';
      await tx.appendEvents([event(now, input.actor, kind, `host ${host.name} ${what}`, { hostId: host.id })]);
    });
    ctx.wake();
  }
  const views = await listHostViews(ctx);
  return views.hosts.find((h) => h.id === host.id)!;
}
