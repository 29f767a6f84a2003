import type { Assignment } from '../api/agent-protocol.js';
import type { RuntimeInstance } from '../runtimes/runtime.js';
import type { TaskSpec } from '../domain/task-spec.js';
import type { AssignmentSet, InstanceRecord } from './instance-record.js';

/** An instance a runtime shows on this host, and which runtime (by name) runs it. */
export interface ObservedInstance {
  runtime: string;
  instance: RuntimeInstance;
}

/** Stop timeout when nothing says otherwise (an instance no assignment describes any more). */
export const DEFAULT_STOP_TIMEOUT_MS = 10_000;

export type ConvergenceAction =
  | { kind: 'start'; id: string; assignment: Assignment }
  /**
   * Wait until no load balancer routes to `servingAddress` (set when it runs with an address),
   * drain for `drainMs` (the instance already left the catalog; DNS caches follow, requests in
   * flight finish), then stop gracefully within `timeoutMs`. `runtime` null: nothing runs, the
   * stop only settles the record (a failure is forgotten).
   */
  | { kind: 'stop'; id: string; runtime: string | null; servingAddress: string | null; drainMs: number; timeoutMs: number; why: 'desired' | 'unassigned' }
  /** Nothing is assigned, runs or is in flight under this id: drop its record. */
  | { kind: 'forget'; id: string };

/** The task spec an assignment carries. */
export function specOf(assignment: Assignment): TaskSpec {
  return assignment.spec;
}

export function stopTimeoutOf(spec: TaskSpec | undefined): number {
  return spec?.containers?.[0]?.stop_timeout_ms ?? DEFAULT_STOP_TIMEOUT_MS;
}

/**
 * The agent's convergence decision, pure: given the complete set of assignments of the last
 * long-poll, what the runtimes show, and the agent's own records, the actions that take the host
 * to the assigned state. Nothing in flight is acted on again; an instance that failed here is not
 * restarted by convergence (the server replaces it); an instance found running without a record
 * (after an agent restart) is adopted as it is. Converging twice to the same state gives no
 * action the second time.
 */
export function planConvergence(
  assignments: AssignmentSet,
  observed: ReadonlyMap<string, ObservedInstance>,
  records: ReadonlyMap<string, InstanceRecord>,
): ConvergenceAction[] {
  const actions: ConvergenceAction[] = [];
  const busy = (id: string) => (records.get(id)?.work ?? null) !== null;
  for (const assignment of assignments.values()) {
    const { id } = assignment;
    if (busy(id)) continue;
    const have = observed.get(id);
    const failure = records.get(id)?.failure ?? null;
    if (assignment.desired === 'run' && !have && failure === null) actions.push({ kind: 'start', id, assignment });
    if (assignment.desired === 'stop' && (have || failure !== null)) {
      const spec = specOf(assignment);
      const running = have?.instance.state === 'running';
      actions.push({
        kind: 'stop',
        id,
        runtime: have?.runtime ?? null,
        servingAddress: running ? (have.instance.address ?? null) : null,
        drainMs: running ? (spec.deploy?.drain_delay_ms ?? 0) : 0,
        timeoutMs: stopTimeoutOf(spec),
        why: 'desired',
      });
    }
  }
  for (const [id, have] of observed) {
    if (!assignments.has(id) && !busy(id)) {
      const servingAddress = have.instance.state === 'running' ? have.instance.address : null;
      actions.push({ kind: 'stop', id, runtime: have.runtime, servingAddress, drainMs: 0, timeoutMs: DEFAULT_STOP_TIMEOUT_MS, why: 'unassigned' });
    }
  }
  for (const [id, record] of records) {
    if (!assignments.has(id) && !observed.has(id) && record.work === null) actions.push({ kind: 'forget', id });
  }
  return actions;
}
