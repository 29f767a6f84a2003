import type { Operation } from '../../domain/operation.js';
import { NotFoundError } from '../../errors/not-found-error.js';
import type { CoreContext } from '../core-context.js';

/**
 * Read, change, write one operation in one transaction: the runner and a human's pause or abort
 * change the same row, and neither may lose the other's change. `change` is pure and fast (no
 * I/O inside the transaction); returning the operation unchanged writes nothing.
 * @throws {NotFoundError} for an unknown id.
 */
export async function mutateOperation(ctx: CoreContext, id: string, change: (op: Operation) => Operation): Promise<Operation> {
  return ctx.store.transaction(async (tx) => {
    const op = await tx.getOperation(id);
    if (!op) throw new NotFoundError('operation', id, 'see "bubo op ls"');
    const next = change(op);
    if (next !== op) await tx.putOperation({ ...next, updatedAt: ctx.now() });
    return next;
  });
}
