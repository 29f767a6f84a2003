import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PlacementRequest } from './placement-request.js';
import { schedule } from './schedule.js';
import type { SchedulerHost } from './scheduler-snapshot.js';
import { testHost } from '../../test/support/test-host.js';

const request = (overrides: Partial<PlacementRequest> = {}): PlacementRequest => ({
  appId: 'default/shop',
  group: 'web',
  runtime: 'microvm',
  resources: { millicpus: 1000, memoryMib: 512, diskMib: 1024 },
  count: 3,
  ...overrides,
});

const countBy = (ids: string[]) => ids.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>());

describe('schedule', () => {
  it('spreads instances of one app over the hosts of the group', () => {
    const hosts = ['h1', 'h2', 'h3'].map((id) => testHost(id));
    const plan = schedule({ hosts }, request(), { seed: 1 });
    expect(plan.fits).toBe(true);
    expect(plan.summary).toBe('3/3 hosts fit');
    expect(new Set(plan.placements.map((p) => p.hostId))).toEqual(new Set(['h1', 'h2', 'h3']));
  });

  it('prefers the host with fewer instances of the same app, then the one with more free capacity', () => {
    const hosts = [
      testHost('busy', { appCounts: new Map([['default/shop', 1]]) }),
      testHost('full', { allocated: { millicpus: 2000, memoryMib: 2048, diskMib: 0 } }),
      testHost('empty'),
    ];
    const plan = schedule({ hosts }, request({ count: 2 }), { seed: 7 });
    expect(plan.placements.map((p) => p.hostId)).toEqual(['empty', 'full']);
  });

  it('says why every host was rejected, with numbers, and places nothing when the request does not fit', () => {
    const hosts = [
      testHost('h1', { allocated: { millicpus: 0, memoryMib: 3840, diskMib: 0 } }),
      testHost('h2', { allocated: { millicpus: 0, memoryMib: 3840, diskMib: 0 } }),
      testHost('h3', { runtimes: [{ name: 'runc', kind: 'container', available: true }] }),
    ];
    const plan = schedule({ hosts }, request(), { seed: 1 });
    expect(plan.fits).toBe(false);
    expect(plan.placements).toEqual([]);
    expect(plan.summary).toBe('0/3 hosts fit: 2 out of memory, 1 no microvm runtime; only 0 of 3 instances fit');
    expect(plan.rejections).toContainEqual({
      hostId: 'h1',
      hostName: 'h1',
      check: 'out of memory',
      reason: 'out of memory: needs 512 MiB, 256 MiB free',
    });
    expect(plan.rejections.find((r) => r.hostId === 'h3')?.reason).toBe('no microvm runtime (needs firecracker or qemu)');
  });

  it('reports hosts that are down, cordoned, outside the group or lack a usable runtime', () => {
    const hosts = [
      testHost('other', { group: 'db' }),
      testHost('down', { status: 'down' }),
      testHost('cordoned', { cordoned: true }),
      testHost('nokvm', { runtimes: [{ name: 'firecracker', kind: 'microvm', available: false, reason: 'no /dev/kvm' }] }),
      testHost('ok'),
    ];
    const plan = schedule({ hosts }, request({ count: 1 }), { seed: 1 });
    expect(plan.placements).toEqual([{ hostId: 'ok' }]);
    expect(plan.rejections.map((r) => r.reason)).toEqual([
      'not in group "web" (host is in group "db")',
      'down: no heartbeat from the host agent',
      'cordoned: takes no new instances until uncordoned',
      'no microvm runtime (needs firecracker or qemu; firecracker unavailable: no /dev/kvm)',
    ]);
    expect(plan.summary).toBe('1/5 hosts fit: 1 cordoned, 1 down, 1 no microvm runtime, 1 not in group "web"');
  });

  it('names cpu in cpus when cpu is what runs out', () => {
    const hosts = [testHost('h1', { allocated: { millicpus: 3500, memoryMib: 0, diskMib: 0 } })];
    const plan = schedule({ hosts }, request({ count: 1 }), { seed: 1 });
    expect(plan.rejections[0]?.reason).toBe('out of cpu: needs 1 cpu, 0.5 cpus free');
  });

  it('computes the shortfall over the eligible hosts for the whole request', () => {
    const hosts = [testHost('h1'), testHost('h2', { group: 'db' })];
    const plan = schedule({ hosts }, request({ count: 10 }), { seed: 1 });
    expect(plan.fits).toBe(false);
    expect(plan.shortfall).toEqual([
      { resource: 'cpu', requested: 10, free: 4, missing: 6 },
      { resource: 'memory', requested: 5120, free: 4096, missing: 1024 },
      { resource: 'disk', requested: 10240, free: 102400, missing: 0 },
    ]);
  });

  it('places everything on eligible hosts when forced, spreading and warning about over-provisioning', () => {
    const hosts = [testHost('h1'), testHost('h2'), testHost('h3', { group: 'db' })];
    const plan = schedule({ hosts }, request({ count: 10 }), { seed: 1, force: true });
    expect(plan.fits).toBe(false);
    expect(plan.overProvisioned).toBe(true);
    expect(plan.placements).toHaveLength(10);
    expect(countBy(plan.placements.map((p) => p.hostId))).toEqual(new Map([['h1', 5], ['h2', 5]]));
    expect(plan.warnings).toContain('group "web" over-provisioned: cpu 125% of capacity on host h1');
  });

  it('fills free capacity first when forced, before over-committing any host', () => {
    const hosts = [testHost('roomy'), testHost('packed', { allocated: { millicpus: 4000, memoryMib: 0, diskMib: 0 } })];
    const plan = schedule({ hosts }, request({ count: 4 }), { seed: 3, force: true });
    expect(plan.placements.map((p) => p.hostId).slice(0, 4)).toEqual(['roomy', 'roomy', 'roomy', 'roomy']);
    expect(plan.overProvisioned).toBe(false);
    expect(plan.fits).toBe(true);
  });

  it('places nothing, even forced, when no host of the group is eligible', () => {
    const hosts = [testHost('h1', { cordoned: true }), testHost('h2', { group: 'db' })];
    const plan = schedule({ hosts }, request(), { seed: 1, force: true });
    expect(plan.fits).toBe(false);
    expect(plan.placements).toEqual([]);
    expect(plan.summary).toContain('no host in group "web" is eligible even when forced');
  });

  it('returns an empty plan that fits for a count of zero', () => {
    const plan = schedule({ hosts: [testHost('h1')] }, request({ count: 0 }), { seed: 1 });
    expect(plan).toMatchObject({ placements: [], fits: true, shortfall: [] });
  });

  it('says there are no hosts when the snapshot is empty', () => {
    expect(schedule({ hosts: [] }, request(), { seed: 1 }).summary).toBe('0/0 hosts fit: no hosts registered; only 0 of 3 instances fit');
  });

  it('breaks ties with the seed: same seed same plan, other seeds other plans', () => {
    const hosts = Array.from({ length: 20 }, (_, i) => testHost(`h${i}`));
    const first = (seed: number) => schedule({ hosts }, request({ count: 1 }), { seed }).placements[0]?.hostId;
    expect(first(42)).toBe(first(42));
    expect(new Set([1, 2, 3, 4, 5, 6, 7, 8].map(first)).size).toBeGreaterThan(1);
  });

  it('never mutates the snapshot', () => {
    const hosts = [testHost('h1'), testHost('h2')];
    const before = structuredClone(hosts);
    schedule({ hosts }, request({ count: 5 }), { seed: 1, force: true });
    expect(hosts).toEqual(before);
  });

  it('never exceeds capacity unless forced and never places outside the group (property)', () => {
    const hostArb = fc.record({
      group: fc.constantFrom('web', 'db'),
      status: fc.constantFrom('ready', 'ready', 'down'),
      cordoned: fc.boolean(),
      cpu: fc.integer({ min: 0, max: 8000 }),
      mem: fc.integer({ min: 0, max: 8192 }),
      usedCpu: fc.integer({ min: 0, max: 8000 }),
      same: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(fc.array(hostArb, { maxLength: 12 }), fc.integer({ min: 0, max: 30 }), fc.boolean(), fc.integer(), (specs, count, force, seed) => {
        const hosts: SchedulerHost[] = specs.map((s, i) =>
          testHost(`h${i}`, {
            group: s.group,
            status: s.status as 'ready' | 'down',
            cordoned: s.cordoned,
            capacity: { millicpus: s.cpu, memoryMib: s.mem, diskMib: 10_000 },
            allocated: { millicpus: s.usedCpu, memoryMib: 0, diskMib: 0 },
            appCounts: new Map([['default/shop', s.same]]),
          }),
        );
        const req = request({ count, resources: { millicpus: 500, memoryMib: 256, diskMib: 1 } });
        const plan = schedule({ hosts }, req, { seed, force });
        const byId = new Map(hosts.map((h) => [h.id, h]));
        for (const p of plan.placements) {
          const h = byId.get(p.hostId)!;
          expect(h.group).toBe('web');
          expect(h.status).toBe('ready');
          expect(h.cordoned).toBe(false);
        }
        expect(plan.placements.length === 0 || plan.placements.length === count).toBe(true);
        if (!plan.fits) expect(plan.placements.length === 0 || plan.overProvisioned).toBe(true);
        if (!plan.overProvisioned) {
          for (const [id, n] of countBy(plan.placements.map((p) => p.hostId))) {
            const h = byId.get(id)!;
            expect(h.allocated.millicpus + n * 500).toBeLessThanOrEqual(h.capacity.millicpus);
            expect(n * 256).toBeLessThanOrEqual(h.capacity.memoryMib);
          }
        }
        expect(plan.rejections.length).toBeLessThanOrEqual(hosts.length);
      }),
    );
  });
});

describe('schedule: a slot pinned by its volumes', () => {
  const pinnedTo = { hostId: 'h2', hostName: 'h2', slot: 0 };

  it('places it on the host holding its data, even when another host has more room', () => {
    const hosts = [testHost('h1'), testHost('h2', { allocated: { millicpus: 2000, memoryMib: 2048, diskMib: 0 } }), testHost('h3')];
    const plan = schedule({ hosts }, request({ count: 1, pinnedTo }), { seed: 3 });
    expect(plan.placements).toEqual([{ hostId: 'h2' }]);
  });

  it.each([
    ['down', { status: 'down' as const }, '0/3 hosts fit: 2 not holding the volumes of slot 0 (on host h2), 1 down'],
    ['cordoned', { cordoned: true }, '0/3 hosts fit: 2 not holding the volumes of slot 0 (on host h2), 1 cordoned'],
    ['full', { allocated: { millicpus: 4000, memoryMib: 0, diskMib: 0 } }, '0/3 hosts fit: 2 not holding the volumes of slot 0 (on host h2), 1 out of cpu'],
  ])('places nothing elsewhere when its host is %s, and says why', (_label, pinnedHost, summary) => {
    const hosts = [testHost('h1'), testHost('h2', pinnedHost), testHost('h3')];
    const plan = schedule({ hosts }, request({ count: 1, pinnedTo }), { seed: 3 });
    expect(plan.placements).toEqual([]);
    expect(plan.summary.startsWith(summary)).toBe(true);
    expect(plan.rejections.find((r) => r.hostId === 'h1')?.reason).toBe('the volume data of slot 0 is on host h2');
  });
});
