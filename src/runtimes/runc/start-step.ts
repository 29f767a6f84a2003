/**
 * The named steps of `RuncRuntime.start`, in order (`mount` … `wait-running` once per container;
 * `network` and `pull` run side by side). After a crash at any of them the instance record says
 * `starting`: the instance is reported exited ("start interrupted") and `stop` removes it all.
 */
export const START_STEPS = ['record', 'network', 'pull', 'files', 'mount', 'spec', 'launch', 'wait-running'] as const;

export type StartStep = (typeof START_STEPS)[number];

/**
 * Thrown by a `faults.beforeStep` hook (tests only) to emulate the agent dying before that step:
 * `start` rethrows it as is, without cleaning up, as a killed process would leave things.
 */
export class SimulatedCrash extends Error {
  constructor(readonly step: StartStep) {
    super(`simulated crash before step ${step}`);
    this.name = 'SimulatedCrash';
  }
}
