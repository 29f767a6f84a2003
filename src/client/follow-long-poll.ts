import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { readJsonFile } from '../fs/read-json-file.js';
import { writeJsonFile } from '../fs/write-json-file.js';
import { RECONNECT_STEPS_MS, reconnectDelayMs } from './reconnect-delay.js';

export interface FollowLongPollOptions<T> {
  /** What is followed, for log lines (`catalog`, `peers`). */
  what: string;
  /** How long the server may hold one long-poll, in milliseconds; default 30 000. */
  waitMs?: number;
  /** Steps of the jittered wait between failed polls (`reconnectDelayMs`); default `RECONNECT_STEPS_MS`. */
  backoffMs?: readonly number[];
  /**
   * Where to keep the last answer (`schema` reads it back). When set, a saved answer is delivered
   * before the first poll, so an agent restarted while the server is away starts from it.
   */
  stateFile?: { path: string; schema: z.ZodType<T> };
  log?: (line: string) => void;
}

/**
 * Long-polls with `poll(index, waitMs, signal)` until `signal` aborts (then resolves) and calls
 * `onAnswer` with each answer of a new index, the first one always (`saved` for the one read
 * back from `stateFile`). Errors are retried with
 * backoff and never reach the caller: while the server is unreachable nothing is called, so the
 * consumer keeps the last answer. An `onAnswer` that throws is logged and ignored.
 */
export async function followLongPoll<T extends { index: number }>(
  poll: (index: number, waitMs: number, signal: AbortSignal) => Promise<T>,
  onAnswer: (answer: T, from: { saved: boolean }) => void,
  signal: AbortSignal,
  options: FollowLongPollOptions<T>,
): Promise<void> {
  const waitMs = options.waitMs ?? 30_000;
  const backoffMs = options.backoffMs ?? RECONNECT_STEPS_MS;
  const log = options.log ?? (() => {});
  const { what, stateFile } = options;
  const deliver = (answer: T, saved = false) => {
    try {
      onAnswer(answer, { saved });
    } catch (error) {
      log(`${what}: cannot apply ${what} ${answer.index}: ${(error as Error).message}`);
    }
  };

  if (stateFile) {
    const saved = await readJsonFile(stateFile.path, stateFile.schema);
    if (saved && !signal.aborted) deliver(saved, true);
  }

  // Index 0 is never current, so the first poll answers at once with the server's answer.
  let index: number | null = null;
  let failures = 0;
  while (!signal.aborted) {
    try {
      const answer = await poll(index ?? 0, waitMs, signal);
      if (failures > 0) log(`${what}: server answers again (index ${answer.index})`);
      failures = 0;
      if (answer.index === index) continue;
      index = answer.index;
      deliver(answer);
      if (stateFile) {
        await writeJsonFile(stateFile.path, answer, { fsync: false }).catch((error: Error) => log(`${what}: cannot save ${stateFile.path}: ${error.message}`));
      }
    } catch (error) {
      if (signal.aborted) return;
      const delay = reconnectDelayMs(failures++, Math.random(), backoffMs);
      log(`${what}: ${(error as Error).message}; keeping the last ${what}, retrying in ${delay} ms`);
      await sleep(delay, undefined, { signal }).catch(() => {});
    }
  }
}
