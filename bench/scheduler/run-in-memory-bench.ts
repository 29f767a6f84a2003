import type { Resources } from '../../src/domain/resources.js';
import type { PlacementRequest } from '../../src/scheduler/placement-request.js';
import { schedule } from '../../src/scheduler/schedule.js';
import type { SchedulerHost } from '../../src/scheduler/scheduler-snapshot.js';

export interface InMemoryBenchOptions {
  /** Default 1,000,000. */
  instances?: number;
  /** Default 10,000. */
  hosts?: number;
  /** Default 1. */
  seed?: number;
  /** Instances placed by the naive baseline; default min(instances, 20,000). */
  baselineInstances?: number;
}

export interface ScenarioResult {
  name: string;
  instances: number;
  hosts: number;
  ms: number;
  placementsPerSecond: number;
}

export interface InMemoryBenchResult {
  oneApp: ScenarioResult;
  hundredApps: ScenarioResult;
  /** O(instances × hosts) linear scan with the same ranking, the "no heap" baseline. */
  naive: ScenarioResult;
  /** oneApp.placementsPerSecond / naive.placementsPerSecond. */
  speedup: number;
}

const PER_INSTANCE: Resources = { millicpus: 100, memoryMib: 64, diskMib: 128 };

/**
 * Scheduler throughput with everything in memory: no store, no I/O. Hosts are sized like the
 * persisted bench (room for ceil(N/M)+1 instances each) so every scenario fits.
 */
export function runInMemoryBench(opts: InMemoryBenchOptions = {}): InMemoryBenchResult {
  const instances = opts.instances ?? 1_000_000;
  const hostCount = opts.hosts ?? 10_000;
  const seed = opts.seed ?? 1;
  const hosts = buildHosts(hostCount, instances);

  const oneApp = timeScenario('1 app', instances, hostCount, () => {
    const plan = schedule({ hosts }, request('default/bench', instances), { seed });
    assertPlaced(plan.placements.length, instances, plan.summary);
  });

  const apps = 100;
  const perApp = Math.floor(instances / apps);
  const hundredApps = timeScenario(`${apps} apps`, perApp * apps, hostCount, () => {
    // Each app is scheduled against the allocation the previous apps left, as the control loop
    // would; the bench owns this copy and updates it in place between plans.
    const current: MutableHost[] = hosts.map((h) => ({ ...h, allocated: { ...h.allocated }, appCounts: new Map<string, number>() }));
    const byId = new Map(current.map((h) => [h.id, h]));
    for (let a = 0; a < apps; a++) {
      const appId = `default/app-${a}`;
      const plan = schedule({ hosts: current }, request(appId, perApp), { seed: seed + a });
      assertPlaced(plan.placements.length, perApp, plan.summary);
      applyPlacements(byId, appId, plan.placements);
    }
  });

  const baselineInstances = opts.baselineInstances ?? Math.min(instances, 20_000);
  const naive = timeScenario('naive linear scan', baselineInstances, hostCount, () => {
    naivePlace(hosts, baselineInstances);
  });

  return { oneApp, hundredApps, naive, speedup: oneApp.placementsPerSecond / naive.placementsPerSecond };
}

function buildHosts(count: number, instances: number): SchedulerHost[] {
  const perHost = Math.ceil(instances / count) + 1;
  return Array.from({ length: count }, (_, n) => ({
    id: `host-${n}`,
    name: `h${n}`,
    group: 'bench',
    cordoned: false,
    status: 'ready',
    runtimes: [{ name: 'qemu', kind: 'microvm', available: true }],
    capacity: { millicpus: perHost * PER_INSTANCE.millicpus, memoryMib: perHost * PER_INSTANCE.memoryMib, diskMib: perHost * PER_INSTANCE.diskMib },
    allocated: { millicpus: 0, memoryMib: 0, diskMib: 0 },
    appCounts: new Map(),
  }));
}

function request(appId: string, count: number): PlacementRequest {
  return { appId, group: 'bench', runtime: 'microvm', resources: PER_INSTANCE, count };
}

interface MutableHost extends SchedulerHost {
  allocated: Resources;
  appCounts: Map<string, number>;
}

function applyPlacements(byId: Map<string, MutableHost>, appId: string, placements: { hostId: string }[]): void {
  for (const p of placements) {
    const h = byId.get(p.hostId)!;
    h.allocated.millicpus += PER_INSTANCE.millicpus;
    h.allocated.memoryMib += PER_INSTANCE.memoryMib;
    h.allocated.diskMib += PER_INSTANCE.diskMib;
    h.appCounts.set(appId, (h.appCounts.get(appId) ?? 0) + 1);
  }
}

/** What the scheduler would be without a heap: scan every host for every instance, same ranking. */
function naivePlace(hosts: readonly SchedulerHost[], count: number): string[] {
  const alloc = hosts.map((h) => ({ ...h.allocated }));
  const same = hosts.map(() => 0);
  const out: string[] = [];
  for (let p = 0; p < count; p++) {
    let best = -1;
    let bestSame = 0;
    let bestUsage = 0;
    for (let i = 0; i < hosts.length; i++) {
      const h = hosts[i]!;
      const a = alloc[i]!;
      const cpu = a.millicpus + PER_INSTANCE.millicpus;
      const mem = a.memoryMib + PER_INSTANCE.memoryMib;
      const disk = a.diskMib + PER_INSTANCE.diskMib;
      if (cpu > h.capacity.millicpus || mem > h.capacity.memoryMib || disk > h.capacity.diskMib) continue;
      const usage = Math.max(cpu / h.capacity.millicpus, mem / h.capacity.memoryMib, disk / h.capacity.diskMib);
      const s = same[i]!;
      if (best === -1 || s < bestSame || (s === bestSame && usage < bestUsage)) {
        best = i;
        bestSame = s;
        bestUsage = usage;
      }
    }
    if (best === -1) throw new Error(`naive baseline: nothing fits for instance ${p}`);
    const a = alloc[best]!;
    a.millicpus += PER_INSTANCE.millicpus;
    a.memoryMib += PER_INSTANCE.memoryMib;
    a.diskMib += PER_INSTANCE.diskMib;
    same[best] = same[best]! + 1;
    out.push(hosts[best]!.id);
  }
  return out;
}

function timeScenario(name: string, instances: number, hosts: number, body: () => void): ScenarioResult {
  const t0 = performance.now();
  body();
  const ms = performance.now() - t0;
  return { name, instances, hosts, ms, placementsPerSecond: Math.round(instances / (ms / 1000)) };
}

function assertPlaced(placed: number, wanted: number, summary: string): void {
  if (placed !== wanted) throw new Error(`bench: only ${placed} of ${wanted} placed: ${summary}`);
}
