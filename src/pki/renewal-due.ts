/**
 * Whether a certificate valid from `notBefore` to `notAfter` (ms) should be renewed at `now`:
 * once less than a third of its validity is left (10 of 30 days), so a host has days of retries
 * before it expires, and an expired one too (the server then refuses it and the host must join
 * again).
 */
export function renewalDue(validity: { notBefore: number; notAfter: number }, now: number): boolean {
  const lifetime = validity.notAfter - validity.notBefore;
  return validity.notAfter - now < lifetime / 3;
}
