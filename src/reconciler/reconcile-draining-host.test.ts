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
  it('moves one instance of an app first: a replacement in its slot elsewhere, while it keeps serving', () => {
    const plan = reconcile(world([testInstance('a', { slot: 0, ...serving }), testInstance('b', { slot: 1, hostId: 'h2', ...serving }), testInstance('c', { slot: 2, hostId: 'h2', ...serving })]));
    expect(plan.stop).toEqual([]);
    expect(plan.place.map((p) => [p.slot, p.replaces])).toEqual([[1, 'b']]);
    // b leaves the live-slot rule while its replacement takes the slot.
    expect(plan.moving).toEqual(['b']);
  });

  it('completes a move under way when the drain ends before the replacement serves', () => {
    const input = world([
      testInstance('a', { slot: 0, ...serving }),
      testInstance('b', { slot: 1, hostId: 'h2', ...serving, moving: true }),
      testInstance('c', { slot: 2, hostId: 'h2', ...serving }),
      testInstance('b2', { slot: 1, state: 'starting' }),
    ]);
    const uncordoned = { ...input, hosts: input.hosts.map((h) => ({ ...h, draining: false })) };
    expect(reconcile(uncordoned)).toMatchObject({ stop: [], place: [], moving: [] });
    const served = { ...uncordoned, instances: uncordoned.instances.map((i) => (i.id === 'b2' ? { ...i, ...serving } : i)) };
    expect(reconcile(served).stop).toEqual([{ instanceId: 'b', reason: 'moved to b2, which serves' }]);
  });

  it('keeps the drained instance while its replacement starts, and moves nothing else of the app', () => {
    const plan = reconcile(
      world([
        testInstance('a', { slot: 0, ...serving }),
        testInstance('b', { slot: 1, hostId: 'h2', ...serving }),
        testInstance('c', { slot: 2, hostId: 'h2', ...serving }),
        testInstance('b2', { slot: 1, state: 'starting' }),
      ]),
    );
    expect(plan).toMatchObject({ stop: [], place: [] });
  });

  it('stops the drained instance once its replacement serves, and moves the next one', () => {
    const plan = reconcile(
      world([
        testInstance('a', { slot: 0, ...serving }),
        testInstance('b', { slot: 1, hostId: 'h2', ...serving }),
        testInstance('c', { slot: 2, hostId: 'h2', ...serving }),
        testInstance('b2', { slot: 1, ...serving }),
      ]),
    );
    expect(plan.stop).toEqual([{ instanceId: 'b', reason: 'host two is draining: moved to b2, which serves' }]);
    expect(plan.place.map((p) => [p.slot, p.replaces])).toEqual([[2, 'c']]);
  });

  it('stops an instance pinned by a volume (it cannot move); its slot waits for the host', () => {
    const input = world([testInstance('a', { slot: 0, ...serving }), testInstance('b', { slot: 1, hostId: 'h2', ...serving }), testInstance('c', { slot: 2, hostId: 'h2', ...serving })]);
    input.apps[0]!.inPlace = true;
    const plan = reconcile(input);
    expect(plan.stop).toEqual([{ instanceId: 'b', reason: 'host two is draining' }]);
    // The slot is still occupied by b until it has stopped: nothing placed yet.
    expect(plan.place).toEqual([]);
  });

  it('stops, rather than moves, an instance of an app that no longer exists', () => {
    const input = world([testInstance('b', { slot: 1, hostId: 'h2', ...serving })]);
    input.apps = [];
    expect(reconcile(input).stop).toEqual([{ instanceId: 'b', reason: 'host two is draining' }]);
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
