import { DomainError } from '../errors/domain-error.js';
import type { SecretKeyring } from '../secrets/secret-keyring.js';
import type { CoreContext } from './core-context.js';

/** The secret key file, which every `bubo server` has; a core built without one (some tests) says so. */
export function requireKeyring(ctx: CoreContext): SecretKeyring {
  if (!ctx.keyring) throw new DomainError('invalid_config', 'this control plane has no secret key file; secrets are not available');
  return ctx.keyring;
}
