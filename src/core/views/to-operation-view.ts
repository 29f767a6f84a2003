import type { OperationView } from '../../api/operation-view.js';
import type { Operation, OperationHost } from '../../domain/operation.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function toOperationView(op: Operation): OperationView {
  const name = (id: string) => op.hosts.find((h) => h.id === id)?.name ?? id;
  return {
    id: op.id,
    kind: op.kind,
    status: op.status,
    group: op.spec.group,
    run: op.spec.run,
    reboot: op.spec.reboot,
    pause_after_each_batch: op.spec.pauseAfterEachBatch,
    batches: op.batches.map((b) => ({ hosts: b.hostIds.map(name), why: b.why, moves: b.moves, stops: b.stops })),
    warnings: op.warnings,
    batch: op.batch + 1,
    step: op.step,
    message: op.message,
    pause_requested: op.pauseRequested,
    failure: op.failure ? { batch: op.failure.batch + 1, step: op.failure.step, hosts: op.failure.hostIds.map(name), message: op.failure.message, output: op.failure.output, at: iso(op.failure.at) } : null,
    hosts: op.hosts.map((h) => ({ name: h.name, batch: h.batch + 1, state: hostState(op, h), was_cordoned: h.wasCordoned, ...(h.output ? { output: h.output } : {}) })),
    log: op.log.map((l) => ({ at: iso(l.at), batch: l.batch + 1, step: l.step, message: l.message })),
    created_by: op.createdBy,
    created_at: iso(op.createdAt),
    updated_at: iso(op.updatedAt),
    finished_at: op.finishedAt === null ? null : iso(op.finishedAt),
  };
}

function hostState(op: Operation, h: OperationHost): string {
  if (h.skipped) return 'skipped';
  if (h.batch > op.batch) return 'waiting';
  if (h.batch < op.batch) return 'finished';
  return op.status === 'done' ? 'finished' : `${op.step}: ${h.state}`;
}
