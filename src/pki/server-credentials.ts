import { hostname, networkInterfaces } from 'node:os';
import type { ClusterCa } from './cluster-ca.js';
import { SERVER_IDENTITY_URI } from './identity-uri.js';
import { generateKeyPair, privateKeyToPem } from './key-pem.js';
import { serverSans } from './server-sans.js';

const VALIDITY_MS = 365 * 24 * 3600_000;

export interface ServerCredentials {
  /** For the TLS listener: the server certificate followed by the CA (agents pin the CA from this chain). */
  tlsCertChain: string;
  tlsKey: string;
  /** The server's identity when it calls agents (`urn:bubo:server`), a client certificate. */
  clientCert: string;
  clientKey: string;
  /** The TLS certificate's names (DNS names, then IP addresses). */
  names: string[];
}

/**
 * The server's own certificates, issued afresh by the cluster CA at every start (so a changed
 * `--tls-san` applies at once; their keys live in memory only).
 */
export async function issueServerCredentials(ca: ClusterCa, input: { listenHost: string; sans: readonly string[]; now?: number }): Promise<ServerCredentials> {
  const now = input.now ?? Date.now();
  const validity = { notBefore: new Date(now - 60_000), notAfter: new Date(now + VALIDITY_MS) };
  const addresses = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
  const sans = serverSans({ listenHost: input.listenHost, extra: input.sans, hostname: hostname(), interfaceAddresses: addresses });
  const [tlsKeys, clientKeys] = await Promise.all([generateKeyPair(), generateKeyPair()]);
  const tls = await ca.issue({ publicKey: tlsKeys.publicKey, commonName: 'bubo server', ...sans, usages: ['server'], ...validity });
  const client = await ca.issue({ publicKey: clientKeys.publicKey, commonName: 'bubo server', uris: [SERVER_IDENTITY_URI], usages: ['client'], ...validity });
  return {
    tlsCertChain: `${tls.pem.trim()}\n${ca.certPem.trim()}\n`,
    tlsKey: await privateKeyToPem(tlsKeys.privateKey),
    clientCert: client.pem,
    clientKey: await privateKeyToPem(clientKeys.privateKey),
    names: [...sans.dnsNames, ...sans.ips],
  };
}
