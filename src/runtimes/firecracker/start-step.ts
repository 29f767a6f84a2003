/**
 * The named steps of `FirecrackerRuntime.start`, in order. The record is written at `record`
 * with phase `starting`; after a crash at any later step the instance is reported exited
 * ("start interrupted") and `stop` removes the process, tap, jail and state.
 */
export const START_STEPS = ['record', 'network', 'guest', 'jail', 'launch', 'api', 'configure', 'boot'] as const;

export type StartStep = (typeof START_STEPS)[number];
