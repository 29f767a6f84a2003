/**
 * One running copy of a release on one host.
 *
 * `desired` is the server's intent; `state` is what the agent last reported. The server only ever
 * moves `desired` from run to stop; agents only ever write `state`. That split keeps one owner per
 * field, so a server restart and an agent report can never overwrite each other.
 */
export type InstanceDesired = 'run' | 'stop';

export type InstanceState =
  | 'pending' // recorded by the server, not yet acknowledged by the agent
  | 'starting'
  | 'running'
  | 'stopping'
  | 'unknown' // its host went silent: kept in its slot, out of traffic, until the host returns or it is replaced
  | 'stopped' // terminal: stopped on purpose
  | 'failed' // terminal: exited or could not start
  | 'lost'; // terminal: its host went down

export const TERMINAL_STATES: readonly InstanceState[] = ['stopped', 'failed', 'lost'];

export function isTerminal(state: InstanceState): boolean {
  return TERMINAL_STATES.includes(state);
}

/**
 * What the agent's health check says. `none`: the task has no check (running counts as serving);
 * `unknown`: running but not yet passed its healthy threshold (in its grace period, or just
 * restarted); `healthy` / `unhealthy`: per the thresholds.
 */
export type InstanceHealth = 'none' | 'unknown' | 'healthy' | 'unhealthy';

export interface Instance {
  id: string;
  appId: string;
  release: number;
  hostId: string;
  /** Stable position 0..count-1; a replacement takes the slot (and later the volumes) of the one it replaces. */
  slot: number;
  desired: InstanceDesired;
  state: InstanceState;
  address: string | null;
  /** Last reason reported for the state (exit code, runtime error...). */
  message: string;
  health: InstanceHealth;
  /** The last check's output when it failed, or why the health changed. */
  healthMessage: string;
  createdAt: number;
  updatedAt: number;
  /**
   * Its host is drained and a replacement in its slot starts on another host: it serves until that
   * one does, then stops. Absent otherwise.
   */
  moving?: boolean;
}

/**
 * Serving: may receive traffic (listed in DNS and the load balancer) and counts as available in
 * a rollout. Running is not enough when the task has a health check: it must pass it.
 */
export function isServing(i: Pick<Instance, 'desired' | 'state' | 'health'>): boolean {
  return i.desired === 'run' && i.state === 'running' && (i.health === 'none' || i.health === 'healthy');
}
