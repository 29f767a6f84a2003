import { BATCH_STEPS, type BatchStep, type Operation } from '../../domain/operation.js';

/** The steps a batch of `op` runs: `run` and `reboot` only when asked for. */
export function stepsOf(op: Pick<Operation, 'spec'>): BatchStep[] {
  return BATCH_STEPS.filter((s) => (s === 'run' ? op.spec.run !== null : s === 'reboot' ? op.spec.reboot : true));
}

/**
 * The operation once its current step is complete (pure): the next step of the batch, or the
 * next batch (its hosts pending, from `drain`), or done. Pauses at this boundary when a pause was
 * asked for or the operation pauses after each batch.
 */
export function advanceOperation(op: Operation, now: number, message: string): Operation {
  const steps = stepsOf(op);
  const index = steps.indexOf(op.step);
  const log = [...op.log, { at: now, batch: op.batch, step: op.step, message }];
  const base = { ...op, log, updatedAt: now, stepStartedAt: now, failure: null };
  if (index >= 0 && index < steps.length - 1) {
    const step = steps[index + 1]!;
    const hosts = op.hosts.map((h) => (h.batch === op.batch ? { ...h, state: h.skipped && step !== 'uncordon' ? ('skipped' as const) : ('pending' as const) } : h));
    return pauseIfAsked({ ...base, step, hosts, message: `batch ${op.batch + 1}/${op.batches.length}: ${step}` });
  }
  // The batch is complete.
  const hosts = op.hosts.map((h) => (h.batch === op.batch ? { ...h, state: 'done' as const } : h));
  const batch = op.batch + 1;
  if (batch >= op.batches.length) {
    const done = `every batch done (${op.batches.length}); ${op.hosts.filter((h) => h.skipped).length ? `skipped: ${op.hosts.filter((h) => h.skipped).map((h) => h.name).join(', ')}` : 'no host skipped'}`;
    return { ...base, hosts, batch, step: 'settle', status: 'done', message: done, finishedAt: now, pauseRequested: false, log: [...log, { at: now, batch: op.batch, step: 'operation', message: done }] };
  }
  const next = { ...base, batch, step: 'drain' as const, hosts: hosts.map((h) => (h.batch === batch ? { ...h, state: 'pending' as const } : h)), message: `batch ${batch + 1}/${op.batches.length}: drain` };
  if (op.spec.pauseAfterEachBatch) {
    const paused = `batch ${op.batch + 1}/${op.batches.length} done; paused before batch ${batch + 1} ("bubo op resume ${op.id}" goes on)`;
    return { ...next, status: 'paused', pauseRequested: false, message: paused, log: [...log, { at: now, batch: op.batch, step: 'operation', message: paused }] };
  }
  return pauseIfAsked(next);
}

function pauseIfAsked(op: Operation): Operation {
  if (!op.pauseRequested) return op;
  const message = `paused before ${op.step} of batch ${op.batch + 1}/${op.batches.length}, as asked ("bubo op resume ${op.id}" goes on)`;
  return { ...op, status: 'paused', pauseRequested: false, message, log: [...op.log, { at: op.updatedAt, batch: op.batch, step: 'operation', message }] };
}
