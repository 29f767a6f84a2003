import { describe, expect, it } from 'vitest';
import type { Instance } from '../domain/instance.js';
import { reconcile } from './reconcile.js';
import type { ReconcileInput } from './reconcile-input.js';
import { testDeploy, testInstance } from '../../test/support/test-instance.js';

const NOW = 1_000_000;

/** App shop (count 3) on h1 and h2; h2 is draining. */
function world(instances: Instance[]): ReconcileInput {
  return {
    now: NOW,
    hostTtlMs: 30_000,
    apps: [{ appId: 'default/shop', release: 1, count: 3, deploy: testDeploy() }],
    instances,
    hosts: [
      { id: 'h1', name: 'one', status: 'ready', lastHeartbeatAt: NOW },
      { id: 'h2', name: 'two', status: 'ready', lastHeartbeatAt: NOW, draining: true },
    ],
  };
}

const serving = { state: 'running' as const, address: '10.88.1.2' };

describe('reconcile: a draining host', () => {
  it('stops one instance of an app on it and places its replacement in the same slot', () => {
    const plan = reconcile(world([testInstance('a', { slot: 0, ...serving }), testInstance('b', { slot: 1, hostId: 'h2', ...serving }), testInstance('c', { slot: 2, hostId: 'h2', ...serving })]));
    expect(plan.stop).toEqual([{ instanceId: 'b', reason: 'host two is draining' }]);
    expect(plan.place.map((p) => p.slot)).toEqual([1]);
  });

  it('drains nothing more of an app while one of its instances elsewhere is not serving yet', () => {
    const plan = reconcile(world([testInstance('a', { slot: 0, ...serving }), testInstance('b2', { slot: 1, state: 'starting' }), testInstance('c', { slot: 2, hostId: 'h2', ...serving })]));
    expect(plan.stop).toEqual([]);
    expect(plan.place).toEqual([]);
  });

  it('leaves the instances of hosts that are not draining alone', () => {
    const plan = reconcile(world([testInstance('a', { slot: 0, ...serving }), testInstance('b', { slot: 1, ...serving }), testInstance('c', { slot: 2, ...serving })]));
    expect(plan).toMatchObject({ stop: [], place: [] });
  });
});
