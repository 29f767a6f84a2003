/**
 * What the core needs of the cluster CA (`pki/` provides it; `daemons/start-server.ts` wires it):
 * the CA certificate agents pin, and signing a host's certificate request under a name the
 * core decided. Rejects with `invalid_request` when the request is malformed or not self-signed.
 */
export interface HostCertAuthority {
  caCertPem: string;
  caFingerprint: string;
  /** The `https://` address agents join at (the TLS listener), for the printed agent command; null without one. */
  joinUrl: string | null;
  signHost(input: { name: string; csrPem: string; now: number }): Promise<{ pem: string; fingerprint: string; serial: string; notAfter: number }>;
}
