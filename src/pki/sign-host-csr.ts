import { DomainError } from '../errors/domain-error.js';
import type { ClusterCa, IssuedCertificate } from './cluster-ca.js';
import { hostIdentityUri } from './identity-uri.js';
import { x509 } from './x509.js';

/** How long a host certificate is valid by default (`bubo server --host-cert-ttl`); the agent renews it with a third of this left. */
export const HOST_CERT_VALIDITY_MS = 30 * 24 * 3600_000;

/**
 * How far back a certificate's `notBefore` lies: a minute, for hosts whose clock is a little
 * behind the server's, but at most a tenth of the validity. The agent counts a third of
 * `notAfter - notBefore` for renewal, so a full minute on a 30-second certificate would make it
 * due the moment it is signed.
 */
export function backdateMs(validityMs: number): number {
  return Math.min(60_000, Math.floor(validityMs / 10));
}

const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

export interface HostCertInput {
  /** The host name the server decided (the request's own subject is ignored). */
  name: string;
  csrPem: string;
  now: number;
  validityMs?: number;
}

/**
 * Signs a host's certificate from its request: the request must be well formed and signed by
 * the key it carries (proof that the host holds it); everything else in it is ignored. The
 * certificate names the host (CN, a DNS name when the name is one, and `urn:bubo:host:<name>`)
 * and is good for TLS servers (the agent's listener) and clients (its calls to the server).
 */
export async function signHostCsr(ca: ClusterCa, input: HostCertInput): Promise<IssuedCertificate> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(input.csrPem);
  } catch (error) {
    throw new DomainError('invalid_request', `csr: not a PEM certificate request (${(error as Error).message})`, { field: 'csr' });
  }
  if (!(await csr.verify().catch(() => false))) {
    throw new DomainError('invalid_request', 'csr: its signature does not match its public key', { field: 'csr' });
  }
  const validityMs = input.validityMs ?? HOST_CERT_VALIDITY_MS;
  return ca.issue({
    publicKey: csr.publicKey,
    commonName: input.name,
    dnsNames: DNS_NAME.test(input.name) ? [input.name] : [],
    uris: [hostIdentityUri(input.name)],
    usages: ['server', 'client'],
    notBefore: new Date(input.now - backdateMs(validityMs)),
    notAfter: new Date(input.now + validityMs),
  });
}
