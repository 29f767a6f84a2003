import { DomainError } from '../errors/domain-error.js';

/**
 * An image could not be pulled or unpacked. `reason` is written for a human and already says
 * what is wrong ("cannot reach registry 127.0.0.1:5055: connection refused"); a `notFound`
 * reason is the whole message ("image registry.x:5000/shop:9.9 not found in the registry").
 */
export class ImagePullError extends DomainError {
  readonly reference: string;
  readonly reason: string;

  constructor(reference: string, reason: string, options: { wholeMessage?: boolean; stderr?: string } = {}) {
    super('image_pull_failed', options.wholeMessage ? reason : `Cannot pull image ${reference}: ${reason}`, {
      reference,
      reason,
      ...(options.stderr !== undefined && { stderr: options.stderr.slice(-2000) }),
    });
    this.reference = reference;
    this.reason = reason;
  }
}
