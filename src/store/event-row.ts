import type { Insertable } from 'kysely';
import type { BuboEvent } from '../domain/event.js';
import type { EventRow, EventTable } from './database-schema.js';
import { fromJsonColumn, toJsonColumn } from './json-column.js';
import { fromNumberColumn as num } from './number-column.js';

/** The database assigns the id. */
export function eventToRow(event: Omit<BuboEvent, 'id'>): Insertable<EventTable> {
  return {
    at: event.at,
    actor: event.actor,
    kind: event.kind,
    app_id: event.appId,
    host_id: event.hostId,
    message: event.message,
    data: toJsonColumn(event.data),
  };
}

export function rowToEvent(row: EventRow): BuboEvent {
  return {
    id: num(row.id),
    at: num(row.at),
    actor: row.actor,
    kind: row.kind,
    appId: row.app_id,
    hostId: row.host_id,
    message: row.message,
    data: fromJsonColumn<Record<string, unknown>>(row.data),
  };
}
