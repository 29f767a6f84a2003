import { mkdir } from 'node:fs/promises';
import { containerSecrets } from '../oci/container-secrets.js';
import { isInstanceId } from './instance-id.js';
import type { RecordBase, RecordedInstances } from './recorded-instances.js';
import type { Runtime, RuntimeInstance, StartRequest } from './runtime.js';
import { RuntimeStartError } from './runtime-error.js';
import { SimulatedCrash } from './simulated-crash.js';

/** What a runtime supplies to `startInstance`: only what differs between runtimes. */
export interface StartSteps<R extends RecordBase, Prepared> {
  /** The runtime's fault hook (tests), called before step `record` (the runtime's own steps call it too). */
  beforeStep(step: 'record'): Promise<void>;
  /** Checks of the request alone, before anything is read (qemu: socket path lengths); throws RuntimeStartError. */
  check?(): void;
  /** Host prerequisites, once the leftovers are gone and before anything is written (binaries, guest kit). */
  prepare?(): Promise<Prepared>;
  /** The record as written first, in phase `starting`. */
  record(prepared: Prepared): R;
  /** The runtime's own steps after `record`; it rewrites the record (`records.write`) as it learns more. */
  run(record: R, prepared: Prepared): Promise<void>;
  /** After the record says `started`, before `start` resolves (qemu connects its control channel). */
  started?(): void;
  /** What `start` resolves with, from what the steps just saw; default `inspect` (runc: one `runc list` less). */
  view?(record: R): Promise<RuntimeInstance | null>;
}

/**
 * The start flow every runtime shares (its named steps are in each runtime's `start-step.ts`):
 * validate the id → inspect (a running instance is returned as is) → every secret a container
 * names has a value → leftovers of an earlier try are stopped → prepare → step `record`:
 * `instance.json` in phase `starting`, written first so that a crash at any later step leaves
 * something `stop` removes entirely → the runtime's steps → phase `started` → `inspect`.
 *
 * Any failure: `stop(id, 0)` cleans everything up, then a RuntimeStartError ("Cannot start
 * instance <id>: …"). A SimulatedCrash (tests) is rethrown without cleaning up, as a killed agent
 * would leave things; a new runtime then reports the record START_INTERRUPTED.
 */
export async function startInstance<R extends RecordBase, Prepared = void>(
  runtime: Pick<Runtime, 'inspect' | 'stop'>,
  records: RecordedInstances<R>,
  request: StartRequest,
  steps: StartSteps<R, Prepared>,
): Promise<RuntimeInstance> {
  const { id } = request;
  if (!isInstanceId(id)) throw RuntimeStartError.of(JSON.stringify(id), 'the id must be letters, digits, ".", "_" or "-"');
  steps.check?.();
  const existing = await runtime.inspect(id);
  if (existing?.state === 'running') return existing;
  checkSecrets(request);
  if (existing) await runtime.stop(id, 0);
  const prepared = await wrapped(id, async () => (steps.prepare ? steps.prepare() : (undefined as Prepared)));
  records.starting.add(id);
  try {
    await steps.beforeStep('record');
    await mkdir(records.dir(id), { recursive: true });
    const record = steps.record(prepared);
    await records.write(record);
    await steps.run(record, prepared);
    record.phase = 'started';
    await records.write(record);
    records.starting.delete(id);
    steps.started?.();
    return ((await steps.view?.(record)) ?? (await runtime.inspect(id))) as RuntimeInstance;
  } catch (error) {
    records.starting.delete(id);
    if (error instanceof SimulatedCrash) throw error; // A dead process cleans nothing up.
    await runtime.stop(id, 0).catch(() => {});
    throw asStartError(id, error);
  }
}

/**
 * Fails before anything is pulled or written when a container names a secret the request has no
 * value for: "Cannot start instance <id>: container "web": secret DB_PASSWORD has no value". The
 * message names the container and the secret, never a value.
 */
function checkSecrets(request: StartRequest): void {
  for (const container of request.spec.containers ?? []) {
    try {
      containerSecrets(container, request.secrets);
    } catch (error) {
      throw RuntimeStartError.of(request.id, (error as Error).message);
    }
  }
}

async function wrapped<T>(id: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asStartError(id, error);
  }
}

function asStartError(id: string, error: unknown): RuntimeStartError {
  return error instanceof RuntimeStartError ? error : RuntimeStartError.of(id, (error as Error).message);
}
