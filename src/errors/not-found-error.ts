import { DomainError } from './domain-error.js';

/** A named thing (app, host, group, release...) does not exist. */
export class NotFoundError extends DomainError {
  constructor(what: string, name: string, hint?: string) {
    super('not_found', `${what} "${name}" not found${hint ? `; ${hint}` : ''}`, { what, name });
  }
}
