import { DomainError } from '../errors/domain-error.js';
import type { CoreContext } from './core-context.js';
import type { HostCertAuthority } from './host-cert-authority.js';

/** The cluster CA, which every `bubo server` has; a core built without one (some tests) says so. */
export function requirePki(ctx: CoreContext): HostCertAuthority {
  if (!ctx.pki) throw new DomainError('invalid_config', 'this control plane has no cluster CA; joining hosts is not available');
  return ctx.pki;
}
