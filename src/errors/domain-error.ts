import type { ErrorCode } from './error-code.js';

/**
 * Base of every error bubo reports to a user. Domain errors carry a stable machine `code`, a
 * message written for a human (it says what to do), and structured `details`. They know nothing
 * of HTTP: `http/error-to-response.ts` maps codes to statuses in one place, and the API client
 * turns `{code, message, details}` back into a `DomainError` on the other side.
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details ?? null;
  }
}
