import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Assignment } from '../api/agent-protocol.js';
import type { RuntimeInstance } from '../runtimes/runtime.js';
import { type InstanceRecord, newInstanceRecord } from './instance-record.js';
import { testAssignment } from '../../test/support/test-assignment.js';
import { type ConvergenceAction, type ObservedInstance, planConvergence } from './plan-convergence.js';

const assignment = (id: string, desired: 'run' | 'stop'): Assignment => testAssignment(id, desired);
function running(id: string, state: RuntimeInstance['state'] = 'running'): ObservedInstance {
  return { runtime: 'runc', instance: { id, state, address: '10.88.0.2', exitCode: null, message: '', startedAt: 0 } };
}
function record(id: string, patch: Partial<InstanceRecord> = {}): InstanceRecord {
  return { ...newInstanceRecord(id), ...patch };
}
const busy = Promise.resolve();
const byId = <T extends { id: string }>(...items: T[]) => new Map(items.map((i) => [i.id, i]));
const observedOf = (...items: [string, ObservedInstance][]) => new Map(items);

describe('planConvergence', () => {
  const cases: { name: string; assignments: Assignment[]; observed: [string, ObservedInstance][]; records: InstanceRecord[]; want: ConvergenceAction[] }[] = [
    { name: 'starts an assigned instance that does not run', assignments: [assignment('a', 'run')], observed: [], records: [], want: [{ kind: 'start', id: 'a', assignment: assignment('a', 'run') }] },
    { name: 'leaves a running assigned instance alone', assignments: [assignment('a', 'run')], observed: [['a', running('a')]], records: [], want: [] },
    {
      name: 'after an agent restart (no records), adopts what runs instead of starting it again',
      assignments: [assignment('a', 'run'), assignment('b', 'run')],
      observed: [['a', running('a')], ['b', running('b')]],
      records: [],
      want: [],
    },
    { name: 'does not act on an instance with work in flight', assignments: [assignment('a', 'run')], observed: [], records: [record('a', { work: busy })], want: [] },
    { name: 'does not restart an instance that failed here (the server replaces it)', assignments: [assignment('a', 'run')], observed: [], records: [record('a', { failure: 'start failed: x' })], want: [] },
    {
      name: 'drains then stops a running instance the server wants stopped',
      assignments: [assignment('a', 'stop')],
      observed: [['a', running('a')]],
      records: [],
      want: [{ kind: 'stop', id: 'a', runtime: 'runc', servingAddress: '10.88.0.2', drainMs: 1_500, timeoutMs: 3_000, why: 'desired' }],
    },
    {
      name: 'stops an exited instance without a drain',
      assignments: [assignment('a', 'stop')],
      observed: [['a', running('a', 'exited')]],
      records: [],
      want: [{ kind: 'stop', id: 'a', runtime: 'runc', servingAddress: null, drainMs: 0, timeoutMs: 3_000, why: 'desired' }],
    },
    {
      name: 'settles a failed instance the server wants stopped (nothing runs)',
      assignments: [assignment('a', 'stop')],
      observed: [],
      records: [record('a', { failure: 'start failed' })],
      want: [{ kind: 'stop', id: 'a', runtime: null, servingAddress: null, drainMs: 0, timeoutMs: 3_000, why: 'desired' }],
    },
    { name: 'does nothing for a stopped instance that is gone', assignments: [assignment('a', 'stop')], observed: [], records: [], want: [] },
    {
      name: 'host came back: stops the copies the server replaced meanwhile and keeps the rest',
      assignments: [assignment('kept', 'run'), assignment('replaced', 'stop')],
      observed: [['kept', running('kept')], ['replaced', running('replaced')]],
      records: [],
      want: [{ kind: 'stop', id: 'replaced', runtime: 'runc', servingAddress: '10.88.0.2', drainMs: 1_500, timeoutMs: 3_000, why: 'desired' }],
    },
    {
      name: 'stops what runs here but is no longer assigned at all',
      assignments: [],
      observed: [['gone', running('gone')]],
      records: [],
      want: [{ kind: 'stop', id: 'gone', runtime: 'runc', servingAddress: '10.88.0.2', drainMs: 0, timeoutMs: 10_000, why: 'unassigned' }],
    },
    { name: 'forgets the record of an instance that is neither assigned nor running', assignments: [], observed: [], records: [record('old', { failure: 'x' })], want: [{ kind: 'forget', id: 'old' }] },
    { name: 'keeps the record of an unassigned instance whose stop is in flight', assignments: [], observed: [], records: [record('old', { work: busy })], want: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(planConvergence(byId(...c.assignments), observedOf(...c.observed), byId(...c.records))).toEqual(c.want);
    });
  }

  it('never acts twice on one instance, never on one in flight, and converging the result again gives nothing', () => {
    const ids = ['a', 'b', 'c', 'd'];
    const world = fc.record({
      desired: fc.array(fc.constantFrom('run', 'stop', 'none'), { minLength: 4, maxLength: 4 }),
      observed: fc.array(fc.constantFrom('running', 'exited', 'none'), { minLength: 4, maxLength: 4 }),
      local: fc.array(fc.constantFrom('none', 'fresh', 'busy', 'failed'), { minLength: 4, maxLength: 4 }),
    });
    fc.assert(
      fc.property(world, ({ desired, observed, local }) => {
        const assignments = byId(...ids.flatMap((id, n) => (desired[n] === 'none' ? [] : [assignment(id, desired[n] as 'run' | 'stop')])));
        const seen = observedOf(...ids.flatMap((id, n): [string, ObservedInstance][] => (observed[n] === 'none' ? [] : [[id, running(id, observed[n] as 'running' | 'exited')]])));
        const records = byId(...ids.flatMap((id, n) => (local[n] === 'none' ? [] : [record(id, { work: local[n] === 'busy' ? busy : null, failure: local[n] === 'failed' ? 'x' : null })])));
        const actions = planConvergence(assignments, seen, records);
        expect(new Set(actions.map((a) => a.id)).size).toBe(actions.length);
        for (const a of actions) expect(records.get(a.id)?.work ?? null).toBeNull();
        // Apply the plan as a perfect runtime would: starts run, stops leave nothing, records settle.
        const after = new Map(seen);
        const afterRecords = new Map(records);
        for (const a of actions) {
          if (a.kind === 'start') after.set(a.id, running(a.id));
          if (a.kind === 'stop') {
            after.delete(a.id);
            afterRecords.set(a.id, record(a.id));
          }
          if (a.kind === 'forget') afterRecords.delete(a.id);
        }
        expect(planConvergence(assignments, after, afterRecords).filter((a) => a.kind !== 'forget')).toEqual([]);
      }),
    );
  });
});
