/**
 * Thrown by a runtime's `faults.beforeStep` hook (tests only) to emulate the agent dying before
 * that start step: `start` rethrows it as is, without cleaning up, as a killed process would leave
 * things. Each runtime names its own steps (`runc/start-step.ts`, `qemu/…`, `firecracker/…`).
 */
export class SimulatedCrash<Step extends string = string> extends Error {
  constructor(readonly step: Step) {
    super(`simulated crash before step ${step}`);
    this.name = 'SimulatedCrash';
  }
}
