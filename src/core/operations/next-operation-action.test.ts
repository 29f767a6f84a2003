import { describe, expect, it } from 'vitest';
import type { Operation, OperationHost } from '../../domain/operation.js';
import { advanceOperation } from './advance-operation.js';
import { nextOperationAction, type OperationWorld } from './next-operation-action.js';

const NOW = 1_000_000;

function host(id: string, batch: number, over: Partial<OperationHost> = {}): OperationHost {
  return { id, name: id, batch, state: 'pending', skipped: false, wasCordoned: false, ...over };
}

function op(over: Partial<Operation> = {}): Operation {
  return {
    id: 'op-1',
    kind: 'maintain',
    status: 'running',
    spec: { group: 'web', hosts: [], labels: {}, batch: { hosts: 1 }, run: 'patch', reboot: true, pauseAfterEachBatch: false, drainDeadlineMs: 60_000, rebootDeadlineMs: 60_000, settleDeadlineMs: 60_000 },
    batches: [
      { hostIds: ['a'], why: '', moves: 1, stops: 0 },
      { hostIds: ['b'], why: '', moves: 1, stops: 0 },
    ],
    warnings: [],
    hosts: [host('a', 0), host('b', 1)],
    baseline: { 'default/web': 2 },
    batch: 0,
    step: 'drain',
    stepStartedAt: NOW - 1000,
    pauseRequested: false,
    failure: null,
    message: '',
    log: [],
    createdBy: 'admin',
    createdAt: 0,
    updatedAt: 0,
    finishedAt: null,
    ...over,
  };
}

function world(over: Partial<OperationWorld> = {}): OperationWorld {
  return {
    now: NOW,
    hosts: new Map([
      ['a', { status: 'ready', lastHeartbeatAt: NOW, draining: true }],
      ['b', { status: 'ready', lastHeartbeatAt: NOW, draining: false }],
    ]),
    liveOn: new Map(),
    apps: new Map([['default/web', { count: 2, serving: 2 }]]),
    ...over,
  };
}

describe('nextOperationAction', () => {
  const cases: { name: string; op: Operation; world: OperationWorld; expected: object }[] = [
    { name: 'drain: a pending host is drained', op: op(), world: world(), expected: { kind: 'drain', hostIds: ['a'] } },
    {
      name: 'drain: an active host the server never got to drain is drained again',
      op: op({ hosts: [host('a', 0, { state: 'active' }), host('b', 1)] }),
      world: world({ hosts: new Map([['a', { status: 'ready', lastHeartbeatAt: NOW, draining: false }]]) }),
      expected: { kind: 'drain', hostIds: ['a'] },
    },
    { name: 'drain: waits while instances are left', op: op({ hosts: [host('a', 0, { state: 'active' })] }), world: world({ liveOn: new Map([['a', 2]]) }), expected: { kind: 'wait', message: 'draining a (2 left)' } },
    {
      name: 'drain: fails once its deadline passed',
      op: op({ hosts: [host('a', 0, { state: 'active' })], stepStartedAt: NOW - 61_000 }),
      world: world({ liveOn: new Map([['a', 1]]) }),
      expected: { kind: 'fail', hostIds: ['a'], message: expect.stringMatching(/still draining after 1 min: a \(1 left\)/) },
    },
    { name: 'drain: advances when the host is empty', op: op({ hosts: [host('a', 0, { state: 'active' })] }), world: world(), expected: { kind: 'advance', message: 'a drained' } },
    { name: 'run: asks the agent', op: op({ step: 'run' }), world: world(), expected: { kind: 'call', step: 'run', hostIds: ['a'] } },
    { name: 'run: an active host (cut off by a restart) runs again', op: op({ step: 'run', hosts: [host('a', 0, { state: 'active' })] }), world: world(), expected: { kind: 'call', step: 'run', hostIds: ['a'] } },
    { name: 'run: a failed host fails the step', op: op({ step: 'run', hosts: [host('a', 0, { state: 'failed' })] }), world: world(), expected: { kind: 'fail', hostIds: ['a'] } },
    { name: 'run: a skipped host is left out', op: op({ step: 'run', hosts: [host('a', 0, { state: 'skipped', skipped: true })] }), world: world(), expected: { kind: 'advance' } },
    { name: 'reboot: asks for it', op: op({ step: 'reboot' }), world: world(), expected: { kind: 'call', step: 'reboot', hostIds: ['a'] } },
    { name: 'reboot: then looks for the agent back', op: op({ step: 'reboot', hosts: [host('a', 0, { state: 'active', since: NOW - 5000 })] }), world: world(), expected: { kind: 'call', step: 'back', hostIds: ['a'] } },
    {
      name: 'reboot: fails when the host is not back in time',
      op: op({ step: 'reboot', hosts: [host('a', 0, { state: 'active', since: NOW - 61_000 })] }),
      world: world(),
      expected: { kind: 'fail', hostIds: ['a'], message: expect.stringMatching(/not back 1 min after/) },
    },
    { name: 'uncordon: skipped hosts too', op: op({ step: 'uncordon', hosts: [host('a', 0, { skipped: true })] }), world: world(), expected: { kind: 'uncordon', hostIds: ['a'] } },
    {
      name: 'settle: waits for the app to serve as before',
      op: op({ step: 'settle', hosts: [host('a', 0, { state: 'done' })] }),
      world: world({ apps: new Map([['default/web', { count: 2, serving: 1 }]]) }),
      expected: { kind: 'wait', message: expect.stringMatching(/default\/web 1\/2 serving/) },
    },
    {
      name: 'settle: an app already short before the operation is not waited for beyond its baseline',
      op: op({ step: 'settle', baseline: { 'default/web': 1 } }),
      world: world({ apps: new Map([['default/web', { count: 2, serving: 1 }]]) }),
      expected: { kind: 'advance' },
    },
    {
      name: 'settle: fails after its deadline',
      op: op({ step: 'settle', stepStartedAt: NOW - 61_000 }),
      world: world({ apps: new Map([['default/web', { count: 2, serving: 0 }]]) }),
      expected: { kind: 'fail', message: expect.stringMatching(/apps not back after 1 min: default\/web 0\/2/) },
    },
  ];
  for (const c of cases) it(c.name, () => expect(nextOperationAction(c.op, c.world)).toMatchObject(c.expected));
});

describe('advanceOperation', () => {
  it('goes through the batch steps, leaving out run and reboot when not asked for', () => {
    let o = op({ spec: { ...op().spec, run: null, reboot: false } });
    const steps: string[] = [o.step];
    for (let i = 0; i < 3; i++) {
      o = advanceOperation(o, NOW, 'ok');
      steps.push(o.step);
    }
    expect(steps).toEqual(['drain', 'check', 'uncordon', 'settle']);
  });

  it('starts the next batch from its drain with its hosts pending, and is done after the last', () => {
    const next = advanceOperation(op({ step: 'settle' }), NOW, 'settled');
    expect(next).toMatchObject({ status: 'running', batch: 1, step: 'drain' });
    expect(next.hosts.map((h) => h.state)).toEqual(['done', 'pending']);
    const done = advanceOperation({ ...next, step: 'settle' }, NOW, 'settled');
    expect(done).toMatchObject({ status: 'done', finishedAt: NOW });
  });

  it('pauses after a batch when asked to, and at a step boundary after a pause request', () => {
    expect(advanceOperation(op({ step: 'settle', spec: { ...op().spec, pauseAfterEachBatch: true } }), NOW, 'x')).toMatchObject({ status: 'paused', batch: 1, step: 'drain' });
    expect(advanceOperation(op({ pauseRequested: true }), NOW, 'x')).toMatchObject({ status: 'paused', step: 'run', pauseRequested: false });
  });

  it('keeps a skipped host skipped, except that it is uncordoned', () => {
    const o = op({ step: 'check', hosts: [host('a', 0, { state: 'skipped', skipped: true })] });
    expect(advanceOperation(o, NOW, 'x').hosts[0]!.state).toBe('pending');
    expect(advanceOperation({ ...o, step: 'run' }, NOW, 'x').hosts[0]!.state).toBe('skipped');
  });
});
