import type { PeerCertificate } from 'node:tls';
import { Agent, fetch as undiciFetch } from 'undici';

export interface TlsOptions {
  /** The CA certificate(s) (PEM) that alone are trusted for the peer. */
  ca: string;
  /** A client certificate (PEM) and its key, for mutual TLS. */
  cert?: string;
  key?: string;
  /**
   * Replaces the usual host-name check of the peer's certificate: returns an Error to refuse it.
   * Default: Node's check of the URL's host against the certificate's names.
   */
  checkServerIdentity?: (host: string, cert: PeerCertificate) => Error | undefined;
}

/**
 * A `fetch` over TLS with a private CA and, when given, a client certificate. Node's global
 * fetch cannot take client certificates; undici (the library behind it) can, through an
 * `Agent`'s connect options, so the API client and the log streams keep their `fetch` shape.
 * One agent (connection pool) per returned function.
 */
export function tlsFetch(options: TlsOptions): typeof fetch {
  const dispatcher = new Agent({
    connect: {
      ca: options.ca,
      ...(options.cert ? { cert: options.cert } : {}),
      ...(options.key ? { key: options.key } : {}),
      ...(options.checkServerIdentity ? { checkServerIdentity: options.checkServerIdentity } : {}),
    },
  });
  // undici's own Request/Response types are the same classes as the global ones in shape.
  return ((input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    undiciFetch(input as string | URL, { ...(init as object), dispatcher } as Parameters<typeof undiciFetch>[1])) as unknown as typeof fetch;
}
