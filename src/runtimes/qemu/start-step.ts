/**
 * The named steps of `QemuRuntime.start`, in order (`network` and `pull` run side by side).
 * After a crash at any of them the instance record says `starting`: the instance is reported
 * exited ("start interrupted") and `stop` kills its QEMU, if any, and removes it all.
 */
export const QEMU_START_STEPS = ['record', 'network', 'pull', 'disks', 'launch', 'wait-ready'] as const;

export type QemuStartStep = (typeof QEMU_START_STEPS)[number];

/**
 * Thrown by a `faults.beforeStep` hook (tests only) to emulate the agent dying before that step:
 * `start` rethrows it as is, without cleaning up, as a killed process would leave things. (The
 * same idea as runc's `SimulatedCrash`, typed with this runtime's steps.)
 */
export class SimulatedCrash extends Error {
  constructor(readonly step: QemuStartStep) {
    super(`simulated crash before step ${step}`);
    this.name = 'SimulatedCrash';
  }
}
