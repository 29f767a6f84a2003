import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `attempt`; while it throws an error `isTransient` accepts, waits the next delay and tries
 * again (so `delaysMs.length + 1` attempts at most). The last error is rethrown as it is.
 */
export async function retryWithBackoff<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  isTransient: (error: unknown) => boolean,
  delaysMs: readonly number[],
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n + 1);
    } catch (error) {
      const delay = delaysMs[n];
      if (delay === undefined || !isTransient(error)) throw error;
      await sleep(delay);
    }
  }
}
