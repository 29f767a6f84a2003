import { DomainError } from '../errors/domain-error.js';

/** Every instance address of the host's subnet is taken. */
export class AddressExhaustedError extends DomainError {
  constructor(subnet: string, inUse: number) {
    super(
      'address_exhausted',
      `Cannot allocate an instance address: all ${inUse} addresses of ${subnet} are in use; detach stopped instances or place new ones on another host`,
      { subnet, inUse },
    );
  }
}
