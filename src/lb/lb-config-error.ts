import { DomainError } from '../errors/domain-error.js';

/** One thing in a catalog the load balancer cannot publish, named by app, namespace and port. */
export interface LbConfigProblem {
  /** `namespace/app port NAME` or the option at fault (`listenAddress`, `portMap[80]`, `paths.pidFile`). */
  where: string;
  message: string;
}

/**
 * The catalog or the options hold something that must not reach nginx.conf (a host name with
 * `;`, a certificate path with a quote, two apps claiming the same host): nothing is rendered,
 * the running configuration stays, and the message lists every problem.
 */
export class LbConfigError extends DomainError {
  readonly problems: readonly LbConfigProblem[];

  constructor(problems: readonly LbConfigProblem[]) {
    const lines = problems.map((p) => `${p.where}: ${p.message}`);
    super('lb_config_invalid', `Cannot render the load balancer configuration: ${lines.join('; ')}`, { problems });
    this.problems = problems;
  }
}
