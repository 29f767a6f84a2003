/**
 * Who a certificate of the cluster CA speaks for is in a URI subject alternative name that the CA
 * alone writes (it ignores whatever names a request asks for): `urn:bubo:host:<name>` for a
 * host, `urn:bubo:server` for the control plane calling agents. A host name can therefore never
 * pass for the server, whatever it is called.
 */
export const SERVER_IDENTITY_URI = 'urn:bubo:server';

export function hostIdentityUri(name: string): string {
  return `urn:bubo:host:${name}`;
}

/**
 * The identity URIs of a peer certificate as Node's TLS shows it (`subjectaltname`, e.g.
 * `DNS:web-1, URI:urn:bubo:host:web-1`).
 */
export function identityUris(subjectAltName: string | undefined): string[] {
  return (subjectAltName ?? '')
    .split(/,\s*/)
    .filter((entry) => entry.startsWith('URI:urn:bubo:'))
    .map((entry) => entry.slice('URI:'.length));
}
