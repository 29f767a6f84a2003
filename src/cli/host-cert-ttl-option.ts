import { parseCliDurationMs } from './parse-cli-duration.js';
import { UsageError } from './usage-error.js';

const DAY_MS = 24 * 3600_000;

/**
 * The shortest `--host-cert-ttl`, for tests that watch renewals happen. An agent renews with a
 * third of the lifetime left and retries every tenth of it (`pki/renewal-retry-ms.ts`): at 5 s
 * that is under 2 s left for three attempts about half a second apart, each a new P-256 key and
 * an mTLS round trip. Shorter, one slow answer or a stalled event loop would let the certificate
 * run out before a retry, and X.509 times have whole seconds. Real clusters want days.
 */
export const MIN_HOST_CERT_TTL_MS = 5_000;
/** The longest: renewal exists so that a leaked key stops working; a year is plenty between renewals. */
export const MAX_HOST_CERT_TTL_MS = 365 * DAY_MS;

/**
 * `--host-cert-ttl 30d`: how long the host certificates the server signs (at join and renewal)
 * are valid. The forms of task-file durations (`45s`, `12h`, `1h30m`), plus whole days in front
 * (`30d`, `1d12h`): days are what certificate lifetimes are counted in, but task files keep their
 * units. Nothing when the flag is absent (the default is 30 days, `HOST_CERT_VALIDITY_MS`).
 */
export function hostCertTtlOption(text: string | undefined): { hostCertValidityMs?: number } {
  if (text === undefined) return {};
  let ms: number;
  try {
    ms = parseCliDurationMs(text);
  } catch (error) {
    throw new UsageError(`--host-cert-ttl "${text}": ${(error as Error).message}`);
  }
  if (ms < MIN_HOST_CERT_TTL_MS) throw new UsageError(`--host-cert-ttl "${text}" must be at least 5s (agents renew with a third of it left, which must leave time for retries)`);
  if (ms > MAX_HOST_CERT_TTL_MS) throw new UsageError(`--host-cert-ttl "${text}" must be at most 365d`);
  return { hostCertValidityMs: ms };
}
