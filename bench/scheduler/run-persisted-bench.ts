import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host } from '../../src/domain/host.js';
import type { Instance } from '../../src/domain/instance.js';
import { schedule } from '../../src/scheduler/schedule.js';
import type { SchedulerSnapshot } from '../../src/scheduler/scheduler-snapshot.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { TaskSpec } from '../../src/domain/task-spec.js';

export interface PersistedBenchResult {
  instances: number;
  hosts: number;
  scheduleMs: number;
  persistMs: number;
  totalMs: number;
  placementsPerSecond: number;
}

/**
 * Places `instances` instances of one app on `hosts` hosts and writes every placement to a
 * file-backed SQLite store through the real store code, in one transaction as the control loop
 * would. Reports the whole time, scheduling plus persisting.
 */
export async function runPersistedBench(opts: { instances: number; hosts: number; seed?: number }): Promise<PersistedBenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'bubo-bench-'));
  const store = await openSqliteStore(join(dir, 'bench.db'));
  try {
    const now = Date.now();
    const perHost = Math.ceil(opts.instances / opts.hosts) + 1;
    const hosts: Host[] = Array.from({ length: opts.hosts }, (_, n) => ({
      id: `host-${n}`,
      name: `h${n}`,
      group: 'bench',
      address: `10.0.${Math.floor(n / 256)}.${n % 256}`,
      subnet: `10.${64 + Math.floor(n / 65536)}.${Math.floor(n / 256) % 256}.0/24`,
      capacity: { millicpus: perHost * 100, memoryMib: perHost * 64, diskMib: perHost * 128 },
      runtimes: [{ name: 'qemu', kind: 'microvm', available: true }],
      labels: {},
      roles: [],
      cordoned: false,
      status: 'ready',
      registeredAt: now,
      lastHeartbeatAt: now,
    }));
    await store.transaction(async (tx) => {
      await tx.ensureGroup('bench', now);
      for (const host of hosts) await tx.upsertHost(host);
      await tx.insertApp({ id: 'default/bench', namespace: 'default', name: 'bench', group: 'bench', count: opts.instances, stopped: false, destroying: false, release: 1, overProvision: false, createdAt: now, updatedAt: now });
      await tx.insertRelease({ appId: 'default/bench', version: 1, spec: {} as TaskSpec, warnings: [], digests: {}, secretVersions: {}, createdAt: now });
    });
    const snapshot: SchedulerSnapshot = {
      hosts: hosts.map((h) => ({ id: h.id, name: h.name, group: h.group, cordoned: false, status: 'ready', runtimes: h.runtimes, capacity: h.capacity, allocated: { millicpus: 0, memoryMib: 0, diskMib: 0 }, appCounts: new Map() })),
    };

    const t0 = performance.now();
    const plan = schedule(snapshot, { appId: 'default/bench', group: 'bench', runtime: 'microvm', resources: { millicpus: 100, memoryMib: 64, diskMib: 128 }, count: opts.instances }, { seed: opts.seed ?? 1 });
    const t1 = performance.now();
    if (plan.placements.length !== opts.instances) throw new Error(`bench: only ${plan.placements.length} placed: ${plan.summary}`);
    const instances: Instance[] = plan.placements.map((p, slot) => ({
      id: `bench-${slot.toString(16).padStart(8, '0')}`,
      appId: 'default/bench',
      release: 1,
      hostId: p.hostId,
      slot,
      desired: 'run',
      state: 'pending',
      address: null,
      message: '',
      health: 'none',
      healthMessage: '',
      createdAt: now,
      updatedAt: now,
    }));
    await store.transaction((tx) => tx.insertInstances(instances));
    const t2 = performance.now();
    const stored = (await store.listInstances({ hostId: 'host-0' })).length;
    if (stored === 0) throw new Error('bench: nothing was persisted');
    return {
      instances: opts.instances,
      hosts: opts.hosts,
      scheduleMs: t1 - t0,
      persistMs: t2 - t1,
      totalMs: t2 - t0,
      placementsPerSecond: Math.round(opts.instances / ((t2 - t0) / 1000)),
    };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
