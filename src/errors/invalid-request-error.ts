import { DomainError } from './domain-error.js';

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `containers[0].image`. */
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** A request body or argument is malformed; `details.problems` lists every offending field. */
export class InvalidRequestError extends DomainError {
  readonly problems: FieldProblem[];

  constructor(message: string, problems: FieldProblem[] = []) {
    super('invalid_request', message, { problems });
    this.problems = problems;
  }
}
