import { DomainError } from '../errors/domain-error.js';

/** A non-2xx answer of the bubo API: the server's `{code, message, details}` plus the HTTP status. */
export class ApiError extends DomainError {
  readonly status: number;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(code, message, details);
    this.status = status;
  }
}
