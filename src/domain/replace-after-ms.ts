import type { TaskSpec } from './task-spec.js';

/**
 * Default wait before an instance of a silent host is replaced: long enough to ride out an agent
 * restart or upgrade (seconds) on top of the host TTL, short enough that a dead host's work moves
 * within a minute.
 */
export const DEFAULT_REPLACE_AFTER_MS = 30_000;

/** `[placement] replace_after` of a task, or the default. */
export function replaceAfterMs(spec: Pick<TaskSpec, 'placement'>): number {
  return spec.placement?.replace_after_ms ?? DEFAULT_REPLACE_AFTER_MS;
}
