import { DomainError } from './domain-error.js';

export class UnauthorizedError extends DomainError {
  constructor(message = 'missing or invalid bearer token; set BUBO_TOKEN or pass --token') {
    super('unauthorized', message);
  }
}
