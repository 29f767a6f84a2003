import { UsageError } from './usage-error.js';

/** A `--flag <seconds>` value: a whole number of seconds, at least 1, or a usage error naming the flag. */
export function positiveSeconds(flag: string, text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new UsageError(`${flag} "${text}" must be a whole number of seconds, at least 1`);
  return Number(text);
}
