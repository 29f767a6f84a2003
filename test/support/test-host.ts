import type { SchedulerHost } from '../../src/scheduler/scheduler-snapshot.js';

/** A ready, uncordoned qemu host with 4 cpus, 4 GiB memory, 100 GiB disk, empty; override what a test is about. */
export function testHost(id: string, overrides: Partial<SchedulerHost> = {}): SchedulerHost {
  return {
    id,
    name: id,
    group: 'web',
    cordoned: false,
    status: 'ready',
    runtimes: [{ name: 'qemu', kind: 'microvm', available: true }],
    capacity: { millicpus: 4000, memoryMib: 4096, diskMib: 102400 },
    allocated: { millicpus: 0, memoryMib: 0, diskMib: 0 },
    appCounts: new Map(),
    ...overrides,
  };
}
