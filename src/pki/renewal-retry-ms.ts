/**
 * How often an agent checks whether its certificate is due for renewal, and so how soon it retries
 * a renewal that failed: a tenth of the certificate's lifetime, at most a minute. A 30-day
 * certificate is checked every minute (10 days of retries once due); a 6-second one (tests) every
 * 0.66 s, which leaves three attempts in the third of its life that renewal has (`renewal-due.ts`).
 * Never below 100 ms, so that a certificate with a nonsensical validity cannot make the loop spin.
 */
export function renewalRetryMs(validity: { notBefore: number; notAfter: number }): number {
  const lifetime = validity.notAfter - validity.notBefore;
  return Math.max(100, Math.min(60_000, Math.floor(lifetime / 10)));
}
