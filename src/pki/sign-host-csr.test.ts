import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterCa, ensureClusterCa } from './cluster-ca.js';
import { createCsr } from './create-csr.js';
import { renewalDue } from './renewal-due.js';
import { backdateMs, HOST_CERT_VALIDITY_MS, signHostCsr } from './sign-host-csr.js';

describe('backdateMs', () => {
  it.each([
    [HOST_CERT_VALIDITY_MS, 60_000],
    [600_000, 60_000],
    [300_000, 30_000],
    [30_000, 3_000],
    [6_000, 600],
  ])('a validity of %d ms starts %d ms before signing', (validity, back) => {
    expect(backdateMs(validity)).toBe(back);
  });
});

describe('signHostCsr', () => {
  let dir: string;
  let ca: ClusterCa;
  // X.509 times have whole seconds.
  const now = Date.UTC(2026, 11, 3, 8, 0, 0);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-sign-host-'));
    ca = await ensureClusterCa(dir, new Date(now - 3600_000));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ['the default', undefined, now - 60_000, now + HOST_CERT_VALIDITY_MS],
    ['--host-cert-ttl 30s', 30_000, now - 3_000, now + 30_000],
    // X.509 times have whole seconds: 0.6 s back is a second back.
    ['--host-cert-ttl 6s', 6_000, now - 1_000, now + 6_000],
  ])('signs for %s validity, not yet due for renewal when signed', async (_what, validityMs, notBefore, notAfter) => {
    const { csrPem } = await createCsr('web-1');
    const issued = await signHostCsr(ca, { name: 'web-1', csrPem, now, ...(validityMs ? { validityMs } : {}) });
    expect({ notBefore: issued.notBefore, notAfter: issued.notAfter }).toEqual({ notBefore, notAfter });
    expect(renewalDue(issued, now)).toBe(false);
    expect(renewalDue(issued, notAfter - (notAfter - notBefore) / 3 + 1)).toBe(true);
  });
});
