import { DomainError } from './domain-error.js';

/** The request is well formed but the current state does not allow it. */
export class ConflictError extends DomainError {
  constructor(message: string, details?: unknown) {
    super('conflict', message, details);
  }
}
