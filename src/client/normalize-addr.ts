import { DomainError } from '../errors/domain-error.js';

/**
 * `host:port`, `[v6]:port` or an `http(s)://` URL, as written in `--addr`, `BUBO_ADDR` or the
 * config file, to a base URL without a trailing slash. `where` names the source for the error.
 */
export function normalizeAddr(addr: string, where: string): string {
  const trimmed = addr.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw invalid(addr, where);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname || url.search || url.hash) {
    throw invalid(addr, where);
  }
  return url.toString().replace(/\/+$/, '');
}

function invalid(addr: string, where: string): DomainError {
  return new DomainError(
    'invalid_config',
    `${where} "${addr}" is not a server address; write host:port or a URL, e.g. 127.0.0.1:7070 or https://bubo.example.com`,
  );
}
