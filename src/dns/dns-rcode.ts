/** DNS response codes (RFC 1035 §4.1.1, RFC 2136) that this server sends. */
export const DnsRcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
} as const;
export type DnsRcode = (typeof DnsRcode)[keyof typeof DnsRcode];
