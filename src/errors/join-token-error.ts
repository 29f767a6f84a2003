import { DomainError } from './domain-error.js';

/** Why a join token is refused; the message says what the admin does about it. */
export type JoinTokenProblem = 'unknown' | 'expired' | 'used_up' | 'revoked' | 'wrong_group';

export class JoinTokenError extends DomainError {
  constructor(
    readonly problem: JoinTokenProblem,
    message: string,
  ) {
    super('join_token_invalid', message, { problem });
  }
}
