import type { BuboEvent } from '../domain/event.js';

/** Builds an event row; `at` comes from the caller's clock so a transaction's events share one time. */
export function event(
  at: number,
  actor: string,
  kind: string,
  message: string,
  refs: { appId?: string | null; hostId?: string | null; data?: Record<string, unknown> } = {},
): Omit<BuboEvent, 'id'> {
  return { at, actor, kind, message, appId: refs.appId ?? null, hostId: refs.hostId ?? null, data: refs.data ?? {} };
}
