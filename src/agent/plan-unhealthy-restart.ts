import type { RestartPolicy } from '../domain/task-spec.js';

export interface UnhealthyRestartInput {
  policy: RestartPolicy;
  /** Restarts in a row after failed checks so far. */
  restarts: number;
  maxRestarts: number;
  /** The failing check's output. */
  message: string;
}

/**
 * What to do with an instance that turned unhealthy, pure: restart it in place per its restart
 * policy, a few times in a row at most; then give up, so it is reported failed with the last
 * check output and the server replaces it.
 */
export function planUnhealthyRestart(input: UnhealthyRestartInput): { giveUp: boolean; why: string } {
  if (input.policy === 'never') return { giveUp: true, why: `unhealthy (restart = "never"): ${input.message}` };
  if (input.restarts >= input.maxRestarts) return { giveUp: true, why: `unhealthy after ${input.restarts} restart(s): ${input.message}` };
  return { giveUp: false, why: `restarting after failed health check: ${input.message}` };
}
