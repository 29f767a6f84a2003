/**
 * The named steps of `RuncRuntime.start`, in order (`mount` … `wait-running` once per container;
 * `network` and `pull` run side by side). After a crash at any of them the instance record says
 * `starting`: the instance is reported exited ("start interrupted") and `stop` removes it all.
 */
export const START_STEPS = ['record', 'network', 'pull', 'files', 'mount', 'spec', 'launch', 'wait-running'] as const;

export type StartStep = (typeof START_STEPS)[number];
