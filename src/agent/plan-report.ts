import type { Assignment, StatusReport } from '../api/agent-protocol.js';
import type { HealthReport } from '../health/health-monitor.js';
import type { RuntimeInstance } from '../runtimes/runtime.js';
import type { AssignmentSet, InstanceRecord, ReportedState } from './instance-record.js';
import { type ObservedInstance, specOf } from './plan-convergence.js';

export type InstanceReport = StatusReport['instances'][number];

/** What the health monitor knows of a running instance (`checked`: at least once in this agent's life). */
export type HealthView = Pick<HealthReport, 'health' | 'message' | 'checked'>;

/** The state to report for one assignment, from what runs and the agent's own record. */
export function reportedStateOf(assignment: Assignment, instance: RuntimeInstance | undefined, record: InstanceRecord | undefined): Pick<InstanceReport, 'state' | 'address' | 'message' | 'images'> {
  const failure = record?.failure ?? null;
  const busy = (record?.work ?? null) !== null;
  if (assignment.desired === 'stop') return { state: busy || instance ? 'stopping' : 'stopped', address: instance?.address ?? null, message: '' };
  if (failure !== null) return { state: 'failed', address: null, message: failure };
  // Until `start` resolves the instance is starting, whatever a runtime's list shows of it
  // (runtimes record an instance before starting it, so a crash half-way can be cleaned up).
  if (!instance || busy) return { state: 'starting', address: null, message: '' };
  if (instance.state === 'exited') return { state: 'failed', address: instance.address, message: instance.message };
  return { state: 'running', address: instance.address, message: '', ...(instance.images ? { images: instance.images } : {}) };
}

/**
 * The status report to send, pure: every assignment whose state, address, message or health
 * differs from what was last reported (a record with no `reported` is sent in full). Health is
 * only known while running; in any other state it starts over from unknown (or none without a
 * check). A running instance not yet checked in this agent's life (just started, or re-adopted
 * after an agent restart) says nothing of its health, so the server keeps what it knew and a
 * healthy instance stays in the load balancer instead of dropping out until its first check.
 */
export function planReport(
  assignments: AssignmentSet,
  observed: ReadonlyMap<string, ObservedInstance>,
  records: ReadonlyMap<string, InstanceRecord>,
  healthOf: (id: string) => HealthView | undefined,
): InstanceReport[] {
  const changes: InstanceReport[] = [];
  for (const assignment of assignments.values()) {
    const record = records.get(assignment.id);
    const now: InstanceReport = { id: assignment.id, ...reportedStateOf(assignment, observed.get(assignment.id)?.instance, record) };
    const spec = specOf(assignment);
    const health = now.state === 'running' ? healthOf(assignment.id) : undefined;
    now.health = health?.health ?? (spec.check ? 'unknown' : 'none');
    // Unhealthy: the steady message recorded when it turned so. Not healthy yet: why (the check
    // failing within its grace period, n of m failures, n of m passes), which changes at most
    // once per check until the threshold. Healthy: nothing, so passing checks send no reports.
    now.health_message = health?.health === 'unhealthy' ? (record?.unhealthyMessage ?? health.message) : health?.health === 'unknown' && health.checked ? health.message : '';
    if (now.state === 'running' && spec.check && !health?.checked) {
      delete now.health;
      delete now.health_message;
    }
    if (!sameAsReported(record?.reported ?? null, now)) changes.push(now);
  }
  return changes;
}

/** What is remembered once a report was accepted (absent health = what was reported before). */
export function rememberReported(before: ReportedState | null, sent: InstanceReport): ReportedState {
  return {
    state: sent.state,
    address: sent.address ?? null,
    message: sent.message ?? '',
    health: sent.health ?? before?.health ?? '',
    healthMessage: sent.health_message ?? before?.healthMessage ?? '',
  };
}

function sameAsReported(last: ReportedState | null, now: InstanceReport): boolean {
  if (!last) return false;
  return (
    last.state === now.state &&
    last.address === (now.address ?? null) &&
    last.message === (now.message ?? '') &&
    last.health === (now.health ?? last.health) &&
    last.healthMessage === (now.health_message ?? last.healthMessage)
  );
}
