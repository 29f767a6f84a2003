import { DomainError } from './domain-error.js';

/** The caller is known (a host's certificate) but may not do this: act as another host, or call an admin route. */
export class ForbiddenError extends DomainError {
  constructor(message: string, details?: unknown) {
    super('forbidden', message, details);
  }
}
