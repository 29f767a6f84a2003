import { parseDurationMs } from '../taskfile/parse-duration.js';
import { UsageError } from './usage-error.js';

/**
 * `--host-ttl 8s`: how long a host may stay silent before it is marked down and its instances
 * `unknown`. Agents are told to heartbeat a quarter of it (at most every 5 s), so one lost
 * heartbeat never marks a host down. Nothing when the flag is absent (the default, 8 s with a
 * heartbeat every 2 s, is `DEFAULT_CORE_OPTIONS`).
 */
export function hostTtlOptions(text: string | undefined): { hostTtlMs?: number; heartbeatIntervalMs?: number } {
  if (text === undefined) return {};
  let ms: number;
  try {
    ms = parseDurationMs(text);
  } catch (error) {
    throw new UsageError(`--host-ttl "${text}": ${(error as Error).message}`);
  }
  if (ms < 1_000) throw new UsageError(`--host-ttl "${text}" must be at least 1s`);
  return { hostTtlMs: ms, heartbeatIntervalMs: Math.min(5_000, Math.floor(ms / 4)) };
}
