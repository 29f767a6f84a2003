import type { OperationView } from '../api/operation-view.js';
import { ApiError } from '../client/api-error.js';
import type { ApiClient } from '../client/api-client.js';
import { DomainError } from '../errors/domain-error.js';
import type { CliDeps } from './cli-deps.js';
import { formatOperationBatch } from './format-operation-batch.js';
import { formatOperationFailure } from './format-operation-failure.js';
import { formatOperationLogLine } from './format-operation-log-line.js';

const POLL_MS = 1_000;
/** A server restart takes seconds; an operation runs for hours: wait this long before giving up. */
const GIVE_UP_MS = 120_000;

type LogEntry = OperationView['log'][number];

export interface FollowOperationOptions {
  json: boolean;
  /** Log entries already printed (`bubo op show` prints the operation first): not printed again. */
  shown?: LogEntry[];
}

/**
 * `-f` of `bubo op start` and `bubo op show`: polls the operation every second and prints each new
 * log line once, and its message when that changes, until it is done or aborted (exit 0) or
 * paused: a plain pause exits 0 saying how to resume, a pause on a failure exits 1 with the
 * failure and the three choices. With `json`, one compact line per new log entry, then the
 * final view on one line (NDJSON).
 *
 * The operation runs on the server, not here: losing the server (a restart) is waited out for
 * up to two minutes, and ctrl-c only stops following.
 */
export async function followOperation(client: ApiClient, deps: CliDeps, start: OperationView, options: FollowOperationOptions): Promise<void> {
  const { json } = options;
  const seen = new Set((options.shown ?? []).map(logKey));
  const signal = deps.shutdownSignal();
  const again = `"bubo op show ${start.id} -f" follows it again`;
  let op = start;
  let lastMessage = options.shown === undefined ? '' : op.message;
  let lostSince: number | null = null;
  const stopped = (): void => deps.stderr(`stopped following operation ${start.id}; it goes on on the server; ${again}\n`);
  for (;;) {
    let lastLogged = '';
    for (const entry of op.log) {
      const key = logKey(entry);
      if (seen.has(key)) continue;
      seen.add(key);
      lastLogged = entry.message;
      deps.stdout(json ? `${JSON.stringify(entry)}\n` : `${formatOperationLogLine(entry, op.batches.length)}\n`);
    }
    if (!json && op.message !== lastMessage && op.message !== '' && op.message !== lastLogged && op.status === 'running') {
      deps.stdout(`batch ${formatOperationBatch(op)}, ${op.step}: ${op.message}\n`);
    }
    lastMessage = op.message;
    if (op.status !== 'running') break;
    await deps.sleep(POLL_MS, signal);
    if (signal.aborted) return stopped();
    try {
      op = await client.call('getOperation', { params: { id: op.id }, signal });
      if (lostSince !== null) deps.stderr('reconnected to the bubo server\n');
      lostSince = null;
    } catch (error) {
      if (signal.aborted) return stopped();
      if (!isConnectionLoss(error)) throw error;
      const now = deps.now();
      if (lostSince === null) deps.stderr(`lost the bubo server (${(error as Error).message}); operation ${op.id} goes on there; retrying\n`);
      lostSince ??= now;
      if (now - lostSince >= GIVE_UP_MS) throw new DomainError((error as DomainError).code, `${(error as Error).message}; operation ${op.id} goes on on the server; ${again}`);
    }
  }
  // `bubo op show -f` of an operation that had already stopped: show printed all of it.
  const printed = options.shown !== undefined && op === start;
  if (json) deps.stdout(`${JSON.stringify(op)}\n`);
  else if (!printed) deps.stdout(`${endLine(op)}\n`);
  if (op.failure !== null && op.status === 'paused') {
    // Like a failed deploy --wait: exit 1; with --json the final view above is the whole answer.
    if (!json) {
      if (!printed) deps.stdout(formatOperationFailure(op));
      deps.stderr(`bubo: operation ${op.id} is paused on a failure of step ${op.failure.step}; it waits for retry, skip or abort\n`);
    }
    deps.setExitCode(1);
  }
}

function endLine(op: OperationView): string {
  const why = op.message ? `: ${op.message}` : '';
  if (op.status === 'paused' && op.failure === null) return `operation ${op.id} paused${why}; "bubo op resume ${op.id}" goes on`;
  return `operation ${op.id} ${op.status}${why}`;
}

/** The client could not reach the server, or a proxy in front of it answered for it. */
function isConnectionLoss(error: unknown): boolean {
  if (error instanceof ApiError) return error.status === 502 || error.status === 503 || error.status === 504;
  return error instanceof DomainError && (error.code === 'unreachable' || error.code === 'timeout');
}

function logKey(e: LogEntry): string {
  return JSON.stringify([e.at, e.batch, e.step, e.message]);
}
