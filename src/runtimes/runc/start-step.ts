/**
 * The named steps of `RuncRuntime.start`, in order (`network` runs beside `pull` and the `mount`
 * of each container's rootfs that follows it; `spec` … `wait-running` once per container). After a
 * crash at any of them the instance record says `starting`: the instance is reported exited
 * ("start interrupted") and `stop` removes it all.
 */
export const START_STEPS = ['record', 'network', 'pull', 'mount', 'files', 'spec', 'launch', 'wait-running'] as const;

export type StartStep = (typeof START_STEPS)[number];
