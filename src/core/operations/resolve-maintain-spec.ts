import type { OperationRequest } from '../../api/operation-view.js';
import type { MaintainSpec } from '../../domain/operation.js';
import { InvalidRequestError } from '../../errors/invalid-request-error.js';
import { parseDurationMs } from '../../taskfile/parse-duration.js';

const DEFAULTS = { drain: 10 * 60_000, reboot: 15 * 60_000, settle: 10 * 60_000 };

/**
 * The request as the engine keeps it: `batch` "2" or "25%", durations in ms, defaults filled in.
 * @throws {InvalidRequestError} naming the field.
 */
export function resolveMaintainSpec(request: OperationRequest): MaintainSpec {
  return {
    group: request.group,
    hosts: [...new Set(request.hosts ?? [])],
    labels: request.labels ?? {},
    batch: parseBatch(request.batch ?? '1'),
    run: request.run ?? null,
    reboot: request.reboot ?? false,
    pauseAfterEachBatch: request.pause_after_each_batch ?? false,
    drainDeadlineMs: deadline('drain_deadline', request.drain_deadline, DEFAULTS.drain),
    rebootDeadlineMs: deadline('reboot_deadline', request.reboot_deadline, DEFAULTS.reboot),
    settleDeadlineMs: deadline('settle_deadline', request.settle_deadline, DEFAULTS.settle),
  };
}

function parseBatch(text: string): MaintainSpec['batch'] {
  const m = /^\s*(\d{1,4})(%?)\s*$/.exec(text);
  const n = m ? Number(m[1]) : Number.NaN;
  if (!m || n < 1 || (m[2] === '%' && n > 100)) {
    throw new InvalidRequestError(`batch "${text}" is not a host count (1, 2, …) or a share of the hosts (1% to 100%)`, [{ path: 'batch', message: 'a host count like 2 or a share like 25%' }]);
  }
  return m[2] === '%' ? { percent: n } : { hosts: n };
}

function deadline(field: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  try {
    const ms = parseDurationMs(text);
    if (ms <= 0) throw new Error('must be more than 0s');
    return ms;
  } catch (error) {
    throw new InvalidRequestError(`${field} "${text}": ${(error as Error).message}`, [{ path: field, message: (error as Error).message }]);
  }
}
