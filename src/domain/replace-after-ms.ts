import type { TaskSpec } from './task-spec.js';

/**
 * Default wait, on top of the host TTL, before an instance of a silent host is replaced: a short
 * grace. With the default TTL (8 s) a dead host's instances are replaced 12 s after its last
 * heartbeat, which leaves a start and a health check inside the cluster issue's goal (serving
 * again elsewhere within 20 s), while an agent restart or upgrade (a second or two) never
 * triggers a replacement. A task that would rather wait longer (a singleton that must not run
 * twice for a moment, a slot that is expensive to move) sets `[placement] replace_after`.
 */
export const DEFAULT_REPLACE_AFTER_MS = 4_000;

/** `[placement] replace_after` of a task, or the default. */
export function replaceAfterMs(spec: Pick<TaskSpec, 'placement'>): number {
  return spec.placement?.replace_after_ms ?? DEFAULT_REPLACE_AFTER_MS;
}
