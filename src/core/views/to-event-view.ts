import type { EventView } from '../../api/event-view.js';
import type { BuboEvent } from '../../domain/event.js';

export function toEventView(event: BuboEvent, hostNames: ReadonlyMap<string, string>): EventView {
  return {
    id: event.id,
    at: new Date(event.at).toISOString(),
    actor: event.actor,
    kind: event.kind,
    app: event.appId,
    host: event.hostId ? (hostNames.get(event.hostId) ?? event.hostId) : null,
    message: event.message,
    data: event.data,
  };
}
