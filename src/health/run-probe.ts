import { formatMs } from './format-ms.js';
import type { ProbeResult } from './prober.js';

/**
 * Runs `work` under the check's timeout and the caller's signal, turning every way it can end
 * into a result: a rejection becomes a failure whose message starts with `what` (the URL or
 * address checked). `work` must release its sockets when its signal aborts; the result does not
 * wait for that.
 */
export async function runProbe(
  what: string,
  timeoutMs: number,
  signal: AbortSignal,
  work: (signal: AbortSignal) => Promise<ProbeResult>,
  timeoutMessage = `timeout after ${formatMs(timeoutMs)}`,
): Promise<ProbeResult> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const cancel = () => controller.abort();
  signal.addEventListener('abort', cancel, { once: true });
  if (signal.aborted) controller.abort();
  const aborted = new Promise<never>((_, reject) => {
    const fail = () => reject(new Error('aborted'));
    if (controller.signal.aborted) fail();
    else controller.signal.addEventListener('abort', fail, { once: true });
  });
  const working = Promise.resolve().then(() => work(controller.signal));
  // Whichever loses the race may still settle later; nobody waits for it.
  working.catch(() => {});
  aborted.catch(() => {});
  try {
    return await Promise.race([working, aborted]);
  } catch (error) {
    if (timedOut) return { ok: false, message: `${what}: ${timeoutMessage}` };
    if (signal.aborted) return { ok: false, message: `${what}: check cancelled` };
    return { ok: false, message: `${what}: ${describeNetworkError(error)}` };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', cancel);
    controller.abort();
  }
}

const SOCKET_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed',
};

/** Socket errors in words (`connection refused`), anything else as its message. */
export function describeNetworkError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && SOCKET_ERRORS[code]) return SOCKET_ERRORS[code];
  return error instanceof Error ? error.message : String(error);
}
