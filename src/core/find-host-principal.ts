import type { CoreContext } from './core-context.js';
import type { Principal } from './principal.js';

/**
 * The host a verified client certificate speaks for, looked up on every request so that
 * `bubo host remove` (which deletes the rows) takes effect at once; undefined when the
 * certificate is not (or no longer) one of a host.
 */
export async function findHostPrincipal(ctx: CoreContext, fingerprint: string): Promise<Principal | undefined> {
  const cert = await ctx.store.getHostCert(fingerprint);
  if (!cert || cert.notAfter <= ctx.now()) return undefined;
  return { kind: 'host', name: cert.hostName, cert };
}
