import type { EventList } from '../api/event-view.js';
import { appId } from '../domain/app.js';
import type { CoreContext } from './core-context.js';
import { hostNames } from './get-app-status.js';
import { toEventView } from './views/to-event-view.js';

/** `app` may be `name` (namespace default) or `namespace/name`; `host` is a host name. */
export async function listEvents(
  ctx: CoreContext,
  query: { app?: string | undefined; host?: string | undefined; after?: number | undefined; limit?: number | undefined },
): Promise<EventList> {
  const names = await hostNames(ctx);
  let hostId: string | undefined;
  if (query.host !== undefined) {
    hostId = [...names].find(([, name]) => name === query.host)?.[0] ?? query.host;
  }
  const app = query.app === undefined ? undefined : query.app.includes('/') ? query.app : appId('default', query.app);
  const events = await ctx.store.listEvents({ appId: app, hostId, after: query.after, limit: query.limit ?? 100 });
  return { events: events.map((e) => toEventView(e, names)) };
}
