import { DomainError } from '../errors/domain-error.js';

/**
 * The secret key file is missing a key a stored value needs, is unreadable or malformed, or a
 * value does not authenticate. The message names the file or the secret, never a value or a key.
 */
export class SecretKeyError extends DomainError {
  constructor(message: string) {
    super('secret_key_invalid', message);
  }
}
