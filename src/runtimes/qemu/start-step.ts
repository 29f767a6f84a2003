/**
 * The named steps of `QemuRuntime.start`, in order (`network` and `pull` run side by side).
 * After a crash at any of them the instance record says `starting`: the instance is reported
 * exited ("start interrupted") and `stop` kills its QEMU, if any, and removes it all.
 */
export const START_STEPS = ['record', 'network', 'pull', 'disks', 'launch', 'wait-ready'] as const;

export type StartStep = (typeof START_STEPS)[number];
