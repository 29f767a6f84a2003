import { describe, expect, it } from 'vitest';
import type { Volume } from '../../domain/volume.js';
import { testApp, testHost, testRelease, testSnapshot } from '../../../test/support/test-control-snapshot.js';
import { planControlPass } from './plan-control-pass.js';

const NOW = 1_000_000;
let n = 0;
const newId = (prefix: string) => `${prefix}-${++n}`;
const hosts = ['h1', 'h2', 'h3'].map((id) => testHost(id, { lastHeartbeatAt: NOW }));
const volume = (slot: number, hostId: string, sizeMib = 100): Volume => ({ id: `default.pg.data.${slot}`, appId: 'default/pg', name: 'data', slot, hostId, sizeMib, createdAt: 0 });

describe('planControlPass: volumes pin their slot to a host', () => {
  it('records a volume on the host of each slot placed for the first time', () => {
    const plan = planControlPass(testSnapshot({ hosts, apps: [testApp('pg')], releaseList: [testRelease('pg', 1, { volumeMib: 100 })] }), NOW, newId);
    expect(plan.place.map((i) => i.slot)).toEqual([0, 1]);
    expect(plan.newVolumes).toEqual(
      plan.place.map((i) => ({ id: `default.pg.data.${i.slot}`, appId: 'default/pg', name: 'data', slot: i.slot, hostId: i.hostId, sizeMib: 100, createdAt: NOW })),
    );
    expect(new Set(plan.place.map((i) => i.hostId)).size).toBe(2);
  });

  it('places a slot whose volume exists on that host, though others have more room', () => {
    const busy = hosts.map((h) => (h.id === 'h2' ? { ...h, capacity: { ...h.capacity, millicpus: 1000 } } : h));
    const snapshot = testSnapshot({
      hosts: busy,
      apps: [testApp('pg', { count: 1 })],
      releaseList: [testRelease('pg', 1, { count: 1, volumeMib: 100 })],
      volumes: [volume(0, 'h2')],
    });
    const plan = planControlPass(snapshot, NOW, newId);
    expect(plan.place.map((i) => [i.slot, i.hostId])).toEqual([[0, 'h2']]);
    expect(plan.newVolumes).toEqual([]);
  });

  it('leaves the slot empty while its host is down, and says why once', () => {
    const down = hosts.map((h) => (h.id === 'h2' ? { ...h, status: 'down' as const } : h));
    const snapshot = testSnapshot({ hosts: down, apps: [testApp('pg', { count: 1 })], releaseList: [testRelease('pg', 1, { count: 1, volumeMib: 100 })], volumes: [volume(0, 'h2')] });
    const plan = planControlPass(snapshot, NOW, newId);
    expect(plan.place).toEqual([]);
    const blocked = plan.events.filter((e) => e.kind === 'placement.blocked').map((e) => e.message);
    expect(blocked).toEqual([
      'slot 0: cannot place 1 instance(s) of default/pg in group "g": 0/3 hosts fit: 2 not holding the volumes of slot 0 (on host h2), 1 down; only 0 of 1 instances fit',
    ]);
    const again = planControlPass({ ...snapshot, blocked: plan.blocked }, NOW + 1000, newId);
    expect(again.events.filter((e) => e.kind === 'placement.blocked')).toEqual([]);
  });

  it('places the slot afresh, with a new volume record, when the volume\'s host was removed from the cluster', () => {
    const snapshot = testSnapshot({ hosts, apps: [testApp('pg', { count: 1 })], releaseList: [testRelease('pg', 1, { count: 1, volumeMib: 100 })], volumes: [volume(0, 'gone')] });
    const plan = planControlPass(snapshot, NOW, newId);
    expect(plan.place).toHaveLength(1);
    expect(plan.deleteVolumes).toEqual(['default.pg.data.0']);
    expect(plan.newVolumes.map((v) => v.hostId)).toEqual([plan.place[0]!.hostId]);
  });

  it('grows the record when a new release asks for a larger volume', () => {
    const snapshot = testSnapshot({ hosts, apps: [testApp('pg', { count: 1, release: 2 })], releaseList: [testRelease('pg', 2, { count: 1, volumeMib: 300 })], volumes: [volume(0, 'h1')] });
    const plan = planControlPass(snapshot, NOW, newId);
    expect(plan.place.map((i) => i.hostId)).toEqual(['h1']);
    expect(plan.growVolumes).toEqual([{ id: 'default.pg.data.0', sizeMib: 300 }]);
  });

  it('counts a volume with no instance on its host in that host\'s disk', () => {
    const small = hosts.map((h) => ({ ...h, capacity: { ...h.capacity, diskMib: 1200 } }));
    // Each of h1 and h2 holds a 1,100 MiB volume of pg, which is stopped; a 1 GiB app fits only on h3.
    const volumes = [volume(0, 'h1', 1100), volume(1, 'h2', 1100)];
    const snapshot = testSnapshot({
      hosts: small,
      apps: [testApp('pg', { stopped: true }), testApp('web', { count: 1 })],
      releaseList: [testRelease('pg', 1, { volumeMib: 1100 }), testRelease('web', 1, { count: 1 })],
      instances: [],
      volumes,
    });
    const plan = planControlPass(snapshot, NOW, newId);
    expect(plan.place.map((i) => [i.appId, i.hostId])).toEqual([['default/web', 'h3']]);
    // Without the volumes counted, the emptiest host would be any of the three.
    const without = planControlPass({ ...snapshot, volumes: [] }, NOW, newId);
    expect(without.place).toHaveLength(1);
  });
});
