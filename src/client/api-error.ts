import { DomainError } from '../errors/domain-error.js';
import { isErrorCode } from '../errors/error-code.js';

/** A non-2xx answer of the bubo API: the server's `{code, message, details}` plus the HTTP status. */
export class ApiError extends DomainError {
  readonly status: number;
  /** The code exactly as the server sent it (a newer server may use one this client does not know: then `code` is `bad_response`). */
  readonly serverCode: string;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(isErrorCode(code) ? code : 'bad_response', message, details);
    this.status = status;
    this.serverCode = code;
  }
}
