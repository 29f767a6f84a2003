import { xoroshiro128plus } from 'pure-rand';
import { addResources, RESOURCE_KEYS, type Resources, ZERO_RESOURCES } from '../domain/resources.js';
import { BinaryHeap } from './binary-heap.js';
import { checkCapacity } from './check-capacity.js';
import { computeShortfall } from './compute-shortfall.js';
import { ELIGIBILITY_CHECKS, firstRejection } from './feasibility-chain.js';
import { hostUsage, usageRatio } from './host-usage.js';
import { overProvisionWarnings } from './over-provision-warnings.js';
import type { PlacementPlan, RejectedHost } from './placement-plan.js';
import type { PlacementRequest } from './placement-request.js';
import type { SchedulerHost, SchedulerSnapshot } from './scheduler-snapshot.js';
import { summarizeRejections } from './summarize-rejections.js';

export interface ScheduleOptions {
  /** Seeds the tie-break between equally good hosts; same seed, same plan. */
  seed: number;
  /** Place everything on eligible hosts even beyond their capacity (`--force`). Default false. */
  force?: boolean;
}

const CAPACITY_CHECKS = RESOURCE_KEYS.map(checkCapacity);

/**
 * Places `request.count` instances, one at a time, on the hosts of the request's group.
 *
 * Pure: reads the snapshot, returns a plan, never mutates its input. Ranking (lower wins):
 *   1. would the instance overflow the host (only possible when forced; fitting hosts go first),
 *   2. instances of the same app already on the host (spread),
 *   3. highest usage ratio of any resource after placing (most free capacity, lowest over-commit),
 *   4. a seeded random number, redrawn each time the host takes an instance.
 * Eligible hosts sit in a binary heap keyed that way, so each placement costs O(log hosts).
 *
 * All or nothing: unless forced, a request that does not fit entirely places nothing.
 */
export function schedule(snapshot: SchedulerSnapshot, request: PlacementRequest, options: ScheduleOptions): PlacementPlan {
  const force = options.force ?? false;
  const rejections: RejectedHost[] = [];
  const eligible: SchedulerHost[] = [];
  for (const host of snapshot.hosts) {
    let rejection = firstRejection(ELIGIBILITY_CHECKS, host, request);
    if (rejection === null) {
      eligible.push(host);
      rejection = firstRejection(CAPACITY_CHECKS, host, request);
    }
    if (rejection) rejections.push({ hostId: host.id, hostName: host.name, ...rejection });
  }
  const hostSummary = summarizeRejections(snapshot.hosts.length, rejections);
  const count = Math.max(0, request.count);
  if (count === 0) {
    return { placements: [], rejections, summary: hostSummary, fits: true, shortfall: [], overProvisioned: false, warnings: [] };
  }

  const run = place(eligible, request, count, options.seed, force);
  const fits = run.withinCapacity === count;
  const shortfall = fits ? [] : computeShortfall(request.resources, count, sumFree(eligible));
  const placed = fits || (force && run.hostIds.length === count);
  const overProvisioned = placed && !fits;
  let summary = hostSummary;
  if (!fits) {
    summary += `; only ${run.withinCapacity} of ${count} instances fit`;
    if (overProvisioned) summary += ', placed anyway (forced)';
    else if (force) summary += `, and no host in group "${request.group}" is eligible even when forced`;
  }
  return {
    placements: placed ? run.hostIds.map((hostId) => ({ hostId })) : [],
    rejections,
    summary,
    fits,
    shortfall,
    overProvisioned,
    warnings: overProvisioned ? overProvisionWarnings(request.group, run.overflowedHosts) : [],
  };
}

interface PlacementRun {
  hostIds: string[];
  /** Placements made before any host had to overflow. */
  withinCapacity: number;
  /** Hosts that overflowed, with their allocation after the plan. */
  overflowedHosts: Pick<SchedulerHost, 'name' | 'capacity' | 'allocated'>[];
}

/**
 * The hot loop. State lives in typed arrays indexed by eligible-host position so that a placement
 * allocates nothing but its result string slot.
 */
function place(hosts: readonly SchedulerHost[], request: PlacementRequest, count: number, seed: number, force: boolean): PlacementRun {
  const n = hosts.length;
  const rng = xoroshiro128plus(seed | 0);
  const [reqCpu, reqMem, reqDisk] = [request.resources.millicpus, request.resources.memoryMib, request.resources.diskMib];
  const alloc = new Float64Array(3 * n);
  const cap = new Float64Array(3 * n);
  const sameApp = new Float64Array(n);
  const overflow = new Uint8Array(n);
  const usage = new Float64Array(n);
  const tieBreak = new Uint32Array(n);
  const overflowed = new Uint8Array(n);

  const rank = (i: number): void => {
    const b = 3 * i;
    const cpu = alloc[b]! + reqCpu;
    const mem = alloc[b + 1]! + reqMem;
    const disk = alloc[b + 2]! + reqDisk;
    const cCpu = cap[b]!;
    const cMem = cap[b + 1]!;
    const cDisk = cap[b + 2]!;
    overflow[i] = (reqCpu > 0 && cpu > cCpu) || (reqMem > 0 && mem > cMem) || (reqDisk > 0 && disk > cDisk) ? 1 : 0;
    usage[i] = Math.max(usageRatio(cpu, cCpu), usageRatio(mem, cMem), usageRatio(disk, cDisk));
    tieBreak[i] = rng.unsafeNext() >>> 0;
  };
  const less = (a: number, b: number): boolean =>
    overflow[a] !== overflow[b]
      ? overflow[a]! < overflow[b]!
      : sameApp[a] !== sameApp[b]
        ? sameApp[a]! < sameApp[b]!
        : usage[a] !== usage[b]
          ? usage[a]! < usage[b]!
          : tieBreak[a] !== tieBreak[b]
            ? tieBreak[a]! < tieBreak[b]!
            : a < b;

  const start: number[] = [];
  for (let i = 0; i < n; i++) {
    const host = hosts[i]!;
    const b = 3 * i;
    alloc[b] = host.allocated.millicpus;
    alloc[b + 1] = host.allocated.memoryMib;
    alloc[b + 2] = host.allocated.diskMib;
    cap[b] = host.capacity.millicpus;
    cap[b + 1] = host.capacity.memoryMib;
    cap[b + 2] = host.capacity.diskMib;
    sameApp[i] = host.appCounts.get(request.appId) ?? 0;
    rank(i);
    if (force || overflow[i] === 0) start.push(i);
  }
  const heap = new BinaryHeap<number>(less, start);

  const hostIds: string[] = [];
  let withinCapacity = 0;
  while (hostIds.length < count) {
    const i = heap.peek();
    if (i === undefined) break;
    if (overflow[i] === 0) withinCapacity++;
    else overflowed[i] = 1;
    hostIds.push(hosts[i]!.id);
    const b = 3 * i;
    alloc[b] = alloc[b]! + reqCpu;
    alloc[b + 1] = alloc[b + 1]! + reqMem;
    alloc[b + 2] = alloc[b + 2]! + reqDisk;
    sameApp[i] = sameApp[i]! + 1;
    rank(i);
    if (!force && overflow[i] === 1) heap.pop();
    else heap.updateTop();
  }

  const overflowedHosts: PlacementRun['overflowedHosts'] = [];
  for (let i = 0; i < n; i++) {
    if (overflowed[i] === 0) continue;
    const b = 3 * i;
    overflowedHosts.push({
      name: hosts[i]!.name,
      capacity: hosts[i]!.capacity,
      allocated: { millicpus: alloc[b]!, memoryMib: alloc[b + 1]!, diskMib: alloc[b + 2]! },
    });
  }
  return { hostIds, withinCapacity, overflowedHosts };
}

function sumFree(hosts: readonly SchedulerHost[]): Resources {
  return hosts.reduce((sum, host) => addResources(sum, hostUsage(host).free), ZERO_RESOURCES);
}
