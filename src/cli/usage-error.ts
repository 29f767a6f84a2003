import { DomainError } from '../errors/domain-error.js';

/** The command line itself is wrong (bad argument, missing --yes); the CLI exits with 2. */
export class UsageError extends DomainError {
  constructor(message: string) {
    super('usage', message);
  }
}
