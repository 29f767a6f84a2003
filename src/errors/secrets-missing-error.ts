import { DomainError } from './domain-error.js';

/** A task names secrets its namespace does not have; `details.missing` lists them. */
export class SecretsMissingError extends DomainError {
  constructor(namespace: string, missing: string[]) {
    const list = missing.join(', ');
    super(
      'secrets_missing',
      `the task names ${missing.length === 1 ? 'a secret' : 'secrets'} that namespace ${namespace} does not have: ${list}; set ${missing.length === 1 ? 'it' : 'each'} with "bubo secret set NAME -n ${namespace}" (the value is read from stdin), then deploy again`,
      { namespace, missing },
    );
  }
}
