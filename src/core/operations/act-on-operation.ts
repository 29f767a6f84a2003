import type { Operation } from '../../domain/operation.js';
import { ConflictError } from '../../errors/conflict-error.js';
import type { CoreContext } from '../core-context.js';
import { event } from '../record-event.js';
import { setHostCordon } from '../set-host-cordon.js';
import { advanceOperation } from './advance-operation.js';
import { mutateOperation } from './mutate-operation.js';

export type OperationActionName = 'pause' | 'resume' | 'abort' | 'retry' | 'skip';

/**
 * A human's hand on an operation. `pause` takes effect at the next step boundary (a step in
 * progress finishes); `resume` goes on after a pause; `retry` runs the failed step again on the
 * failed hosts; `skip` leaves them out of the rest (they are still uncordoned at the end of their
 * batch); `abort` ends it, giving the current batch's hosts back (uncordoned, unless they were
 * cordoned before): a host that cannot be given back is named in the log, still cordoned.
 * @throws {ConflictError} when the action does not apply to the operation's state.
 */
export async function actOnOperation(ctx: CoreContext, input: { id: string; action: OperationActionName; actor: string }): Promise<Operation> {
  const { id, action, actor } = input;
  const now = ctx.now();
  const note = (o: Operation, message: string): Operation => ({ ...o, log: [...o.log, { at: now, batch: o.batch, step: 'operation', message: `${message} (${actor})` }] });
  const finished = (o: Operation) => {
    if (o.status === 'done' || o.status === 'aborted') throw new ConflictError(`operation ${o.id} is ${o.status}; nothing to ${action}`);
  };
  const op = await mutateOperation(ctx, id, (o) => {
    finished(o);
    switch (action) {
      case 'pause':
        if (o.status === 'paused') return o;
        return note({ ...o, pauseRequested: true, message: `${o.message} (pausing at the next step boundary)` }, 'pause asked for');
      case 'resume':
        if (o.failure) throw new ConflictError(`operation ${o.id} is paused on a failure (${o.failure.message}): "bubo op retry ${o.id}", "bubo op skip ${o.id}" or "bubo op abort ${o.id}"`);
        if (o.status === 'running') return { ...o, pauseRequested: false };
        return note({ ...o, status: 'running', pauseRequested: false, stepStartedAt: now, message: `batch ${o.batch + 1}/${o.batches.length}: ${o.step}` }, 'resumed');
      case 'retry':
      case 'skip': {
        if (!o.failure) throw new ConflictError(`operation ${o.id} has no failed step to ${action}${o.status === 'paused' ? ` ("bubo op resume ${o.id}" goes on)` : ''}`);
        const failed = new Set(o.failure.hostIds);
        const hosts = o.hosts.map((h) =>
          failed.has(h.id) && h.batch === o.batch ? (action === 'retry' ? { ...h, state: 'pending' as const } : { ...h, state: 'skipped' as const, skipped: true }) : h,
        );
        const names = o.hosts.filter((h) => failed.has(h.id)).map((h) => h.name).join(', ');
        // Skipping a settle that ran out goes on to the next batch with the apps as they are.
        if (action === 'skip' && o.step === 'settle') return advanceOperation(note({ ...o, status: 'running', failure: null, pauseRequested: false }, 'settle skipped'), now, `settle skipped: ${o.failure.message}`);
        // A failed settle or drain is a wait that ran out: retrying it waits again from now.
        return note(
          { ...o, status: 'running', failure: null, pauseRequested: false, hosts, stepStartedAt: now, message: `batch ${o.batch + 1}/${o.batches.length}: ${o.step}` },
          action === 'retry' ? `${o.step} retried on ${names}` : `${names} skipped at ${o.step}`,
        );
      }
      case 'abort':
        return note({ ...o, status: 'aborted', pauseRequested: false, finishedAt: now, message: 'aborted' }, 'aborted');
    }
  });
  if (action === 'abort') return giveBack(ctx, op, actor);
  await ctx.store.appendEvents([event(now, actor, `operation.${action}`, `operation ${id}: ${action}`, { data: { operation: id } })]);
  return op;
}

/** After an abort: the current batch's hosts are uncordoned (or left cordoned as they were), each outcome logged. */
async function giveBack(ctx: CoreContext, op: Operation, actor: string): Promise<Operation> {
  const lines: string[] = [];
  for (const h of op.hosts.filter((x) => x.batch === op.batch)) {
    try {
      await setHostCordon(ctx, { host: h.id, cordoned: h.wasCordoned, drain: false, actor });
      lines.push(`${h.name} ${h.wasCordoned ? 'left cordoned, as before' : 'uncordoned'}`);
    } catch (error) {
      lines.push(`${h.name} NOT given back: ${(error as Error).message}; it stays cordoned ("bubo host uncordon ${h.name}")`);
    }
  }
  const message = `aborted: ${lines.join('; ') || 'no host to give back'}`;
  await ctx.store.appendEvents([event(ctx.now(), actor, 'operation.aborted', `operation ${op.id}: ${message}`, { data: { operation: op.id } })]);
  return mutateOperation(ctx, op.id, (o) => ({ ...o, message, log: [...o.log, { at: ctx.now(), batch: o.batch, step: 'operation', message }] }));
}
