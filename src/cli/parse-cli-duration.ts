import { parseDurationMs } from '../taskfile/parse-duration.js';

const DAY_MS = 24 * 3600_000;

/**
 * A duration given on the command line: the forms of task-file durations (`45s`, `12h`,
 * `1h30m`) plus whole days in front (`30d`, `1d12h`), what lifetimes and look-backs are counted
 * in; task files keep their units.
 *
 * @throws {Error} naming the accepted forms.
 */
export function parseCliDurationMs(text: string): number {
  const days = /^\s*(\d+)d(.*)$/.exec(text);
  if (!days) return parseDurationMs(text);
  return Number(days[1]) * DAY_MS + (days[2]!.trim() === '' ? 0 : parseDurationMs(days[2]!));
}
