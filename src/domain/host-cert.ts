/**
 * A certificate the cluster CA issued to a host, and what the host may be: the group, labels and
 * roles of the join token it came with (renewals carry them over). A request with a client
 * certificate acts as `hostName` only while a row with its fingerprint exists; removing the
 * host deletes them, so its certificates stop working at once.
 */
export interface HostCert {
  /** `sha256:<hex>` of the certificate's DER bytes. */
  fingerprint: string;
  hostName: string;
  group: string;
  labels: Record<string, string>;
  roles: string[];
  serial: string;
  notAfter: number;
  issuedAt: number;
  /** The join token it was issued for (null for renewals). */
  joinTokenId: string | null;
}
