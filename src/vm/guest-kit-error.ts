import { DomainError } from '../errors/domain-error.js';

/**
 * The microVM guest kit (kernel + initramfs) cannot be found or built. The message names the
 * missing path or package and the fix (usually `bubo kit build`).
 */
export class GuestKitError extends DomainError {
  constructor(message: string, details?: unknown) {
    super('guest_kit_unavailable', message, details);
  }
}
