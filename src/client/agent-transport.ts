import { DomainError } from '../errors/domain-error.js';
import { tlsFetch } from './tls-fetch.js';

export interface AgentAuth {
  /** Legacy agents (started with `--token`, `http://` listener): the bearer token they check. */
  token?: string;
  /**
   * Agents with a host certificate (`https://` listener): the cluster CA, the server's client
   * certificate and key; the agent's certificate must name the host (`urn:bubo:host:<name>`).
   */
  tls?: { ca: string; cert: string; key: string };
  /** The identity URI a host certificate must carry (from `pki/identity-uri.ts`). */
  hostIdentity?: (hostName: string) => string;
  fetch?: typeof fetch;
}

/**
 * How the server reaches one agent's listener: an `https://` agent is called at its registered
 * address only, over mTLS, and must present its own host's certificate (no token is sent to
 * it); a plain `http://` agent (one registered with the admin token, which it therefore holds)
 * gets the token. Returns the fetch and headers to use, or throws `unreachable` saying why not.
 */
export function agentTransport(options: AgentAuth) {
  const fetches = new Map<string, typeof fetch>();
  const mtlsFetch = (hostName: string): typeof fetch => {
    const tls = options.tls!;
    const expected = options.hostIdentity ? options.hostIdentity(hostName) : `urn:bubo:host:${hostName}`;
    let f = fetches.get(hostName);
    if (!f) {
      f = tlsFetch({
        ...tls,
        checkServerIdentity: (_host, cert) =>
          (cert.subjectaltname ?? '').split(/,\s*/).includes(`URI:${expected}`) ? undefined : new Error(`the agent's certificate is not host ${hostName}'s`),
      });
      fetches.set(hostName, f);
    }
    return f;
  };
  return (url: URL, agentUrl: string, hostName: string, hostAddress: string): { fetch: typeof fetch; headers: Record<string, string> } => {
    const headers: Record<string, string> = {};
    if (url.protocol === 'https:') {
      if (!options.tls) throw new DomainError('unreachable', `agent at ${agentUrl} speaks TLS, but this server has no client certificate`);
      if (url.hostname.replace(/^\[|\]$/g, '') !== hostAddress) {
        throw new DomainError('unreachable', `host ${hostName} announced its listener at ${url.host}, not at its registered address ${hostAddress}; not calling it`);
      }
      return { fetch: mtlsFetch(hostName), headers };
    }
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    return { fetch: options.fetch ?? globalThis.fetch, headers };
  };
}
