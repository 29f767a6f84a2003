import type { HostCredential } from '../api/join-token.js';
import { ForbiddenError } from '../errors/forbidden-error.js';
import type { CoreContext } from './core-context.js';
import { credential } from './join-host.js';
import type { Principal } from './principal.js';
import { event } from './record-event.js';
import { requirePki } from './require-pki.js';

/**
 * A host renews its certificate with its current one: same name, group, labels and roles, a new
 * key, valid for `bubo server --host-cert-ttl`. The old certificate stays valid until it expires
 * (the agent switches once it has stored the new one); removing the host ends both, and a
 * removed host's certificate cannot renew (it authenticates nothing any more).
 */
export async function renewHostCert(ctx: CoreContext, principal: Principal, csr: string): Promise<HostCredential> {
  if (principal.kind !== 'host') throw new ForbiddenError('only a host renews its certificate, with its current certificate (not the admin token)');
  const pki = requirePki(ctx);
  const issued = await pki.signHost({ name: principal.name, csrPem: csr, now: ctx.now() });
  const cert = { ...principal.cert, fingerprint: issued.fingerprint, serial: issued.serial, notAfter: issued.notAfter, issuedAt: ctx.now(), joinTokenId: null };
  await ctx.store.transaction(async (tx) => {
    // Removed between the request's authentication and now: no new certificate.
    if ((await tx.listHostCerts(principal.name)).length === 0) throw new ForbiddenError(`host ${principal.name} has been removed`);
    await tx.insertHostCert(cert);
    // Expired ones authenticate nothing (`find-host-principal.ts`); without this a host would add
    // a row per renewal for as long as it lives.
    await tx.deleteHostCerts(principal.name, ctx.now());
    // A host that joined but has not registered yet has no row: the event is then the cluster's only.
    const host = await tx.getHostByName(principal.name);
    await tx.appendEvents([
      event(ctx.now(), `host:${principal.name}`, 'host.cert_renewed', `host ${principal.name} renewed its certificate (serial ${cert.serial}, valid until ${new Date(cert.notAfter).toISOString()})`, {
        hostId: host?.id ?? null,
        data: { fingerprint: cert.fingerprint, serial: cert.serial, not_after: new Date(cert.notAfter).toISOString() },
      }),
    ]);
  });
  return credential(cert, issued.pem, pki.caCertPem);
}
