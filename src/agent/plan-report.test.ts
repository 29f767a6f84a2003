import { describe, expect, it } from 'vitest';
import type { Assignment } from '../api/agent-protocol.js';
import type { RuntimeInstance } from '../runtimes/runtime.js';
import { type InstanceRecord, newInstanceRecord } from './instance-record.js';
import type { ObservedInstance } from './plan-convergence.js';
import type { TaskSpec } from '../domain/task-spec.js';
import { TEST_HTTP_CHECK, testAssignment } from '../../test/support/test-assignment.js';
import { type HealthView, planReport, rememberReported } from './plan-report.js';

const withCheck = { check: TEST_HTTP_CHECK };
const assignment = (id: string, desired: 'run' | 'stop' = 'run', spec: Partial<TaskSpec> = {}): Assignment => testAssignment(id, desired, spec);
function observed(id: string, patch: Partial<RuntimeInstance> = {}): [string, ObservedInstance] {
  return [id, { runtime: 'runc', instance: { id, state: 'running', address: '10.88.0.2', exitCode: null, message: '', startedAt: 0, ...patch } }];
}
function record(id: string, patch: Partial<InstanceRecord> = {}): InstanceRecord {
  return { ...newInstanceRecord(id), ...patch };
}
const map = <T extends { id: string }>(...items: T[]) => new Map(items.map((i) => [i.id, i]));
const noHealth = () => undefined;

describe('planReport', () => {
  it('reports a running instance without a check as running with no health check', () => {
    expect(planReport(map(assignment('a')), new Map([observed('a')]), new Map(), noHealth)).toEqual([
      { id: 'a', state: 'running', address: '10.88.0.2', message: '', health: 'none', health_message: '' },
    ]);
  });

  it('reports starting while the start is in flight, even if the runtime already lists it', () => {
    const [change] = planReport(map(assignment('a')), new Map([observed('a')]), map(record('a', { work: Promise.resolve() })), noHealth);
    expect(change).toMatchObject({ state: 'starting', address: null });
  });

  it('reports a local failure with its reason, and an exited instance as failed with the runtime message', () => {
    const changes = planReport(map(assignment('a'), assignment('b')), new Map([observed('b', { state: 'exited', message: 'exited with code 1' })]), map(record('a', { failure: 'start failed: no image' })), noHealth);
    expect(changes.map((c) => [c.id, c.state, c.message])).toEqual([
      ['a', 'failed', 'start failed: no image'],
      ['b', 'failed', 'exited with code 1'],
    ]);
  });

  it('reports stopping while a stopped instance still runs, then stopped', () => {
    expect(planReport(map(assignment('a', 'stop')), new Map([observed('a')]), new Map(), noHealth)[0]).toMatchObject({ state: 'stopping' });
    expect(planReport(map(assignment('a', 'stop')), new Map(), new Map(), noHealth)[0]).toMatchObject({ state: 'stopped', address: null });
  });

  it('says nothing of the health of a checked instance not yet checked in this agent life (re-adopted)', () => {
    const [change] = planReport(map(assignment('a', 'run', withCheck)), new Map([observed('a')]), new Map(), () => ({ health: 'unknown', message: '', checked: false }));
    expect(change).toEqual({ id: 'a', state: 'running', address: '10.88.0.2', message: '' });
  });

  it('reports the steady unhealthy message recorded when it turned unhealthy', () => {
    const health: HealthView = { health: 'unhealthy', message: 'check 5: HTTP 500', checked: true };
    const [change] = planReport(map(assignment('a', 'run', withCheck)), new Map([observed('a')]), map(record('a', { unhealthyMessage: 'HTTP 500' })), () => health);
    expect(change).toMatchObject({ health: 'unhealthy', health_message: 'HTTP 500' });
  });

  it('says why an instance checked but not healthy yet is not, and nothing once it is healthy', () => {
    const assignments = map(assignment('a', 'run', withCheck));
    const failing = () => ({ health: 'unknown' as const, message: '1 of 3 failures: connection refused', checked: true });
    const [change] = planReport(assignments, new Map([observed('a')]), new Map(), failing);
    expect(change).toMatchObject({ health: 'unknown', health_message: '1 of 3 failures: connection refused' });
    const healthy = () => ({ health: 'healthy' as const, message: 'HTTP 200', checked: true });
    expect(planReport(assignments, new Map([observed('a')]), map(record('a', { reported: rememberReported(null, change!) })), healthy)[0]).toMatchObject({ health: 'healthy', health_message: '' });
  });

  it('sends nothing that was already reported, and again what changed', () => {
    const assignments = map(assignment('a', 'run', withCheck));
    const seen = new Map([observed('a')]);
    const healthy = () => ({ health: 'healthy' as const, message: '', checked: true });
    const [first] = planReport(assignments, seen, new Map(), healthy);
    const reported = rememberReported(null, first!);
    expect(planReport(assignments, seen, map(record('a', { reported })), healthy)).toEqual([]);
    const unhealthy = () => ({ health: 'unhealthy' as const, message: 'down', checked: true });
    expect(planReport(assignments, seen, map(record('a', { reported })), unhealthy)).toHaveLength(1);
  });

  it('keeps the last reported health when a report leaves it out', () => {
    const before = { state: 'running', address: '10.88.0.2', message: '', health: 'healthy', healthMessage: '' };
    expect(rememberReported(before, { id: 'a', state: 'running', address: '10.88.0.2', message: '' })).toEqual(before);
  });
});
