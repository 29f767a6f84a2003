import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathExists } from '../fs/path-exists.js';
import { isInstanceId } from './instance-id.js';
import { readJsonRecord, writeJsonRecord } from './json-record.js';
import type { RuntimeInstance } from './runtime.js';

/** What `inspect`/`list` say of an instance whose start was cut short by a crash. */
export const START_INTERRUPTED = 'start interrupted (agent restarted during start)';

/** The fields every runtime's `instance.json` has; each runtime's record adds its own. */
export interface RecordBase {
  id: string;
  app: string;
  namespace: string;
  address: string | null;
  startedAt: number;
  /**
   * `starting` from the first step of `start` until the instance runs, then `started`. A record
   * still `starting` that no start of this process is working on was left by a crash: it is
   * reported as exited (START_INTERRUPTED). (runc records written before this field: `started`.)
   */
  phase?: 'starting' | 'started';
}

export interface RecordShape<R extends RecordBase> {
  /** The record of a directory without one (a crash between `mkdir` and the first write): phase `starting`, nothing else known. */
  placeholder(id: string): R;
  /** Container name → image digest the record protects from the image garbage collector. */
  images(record: R): Record<string, string>;
}

/**
 * The instances of one runtime, as their records in `<stateDir>/instances/<id>/instance.json`
 * say: what inspect, list, stop and the image GC read back, also after an agent restart. Also
 * knows which starts this process is working on, so that a `starting` record can be told apart
 * from one a crash left behind.
 */
export class RecordedInstances<R extends RecordBase> {
  /** Ids a `start` of this process is working on (`startInstance` keeps it). */
  readonly starting = new Set<string>();

  constructor(
    readonly stateDir: string,
    private readonly shape: RecordShape<R>,
  ) {}

  dir(id: string): string {
    return join(this.stateDir, 'instances', id);
  }

  /** The record; a placeholder for a directory without one; null for an unknown or invalid id. */
  async read(id: string): Promise<R | null> {
    if (!isInstanceId(id)) return null;
    const record = await readJsonRecord<R>(join(this.dir(id), 'instance.json'));
    if (record || !(await pathExists(this.dir(id)))) return record;
    return this.shape.placeholder(id);
  }

  /** Written to a temporary file and renamed: a crash never leaves half a record. */
  write(record: R): Promise<void> {
    return writeJsonRecord(join(this.dir(record.id), 'instance.json'), record);
  }

  /** Every instance in the state directory: running, exited or interrupted. */
  async all(): Promise<R[]> {
    const ids = await readdir(join(this.stateDir, 'instances')).catch(() => [] as string[]);
    const records: (R | null)[] = await Promise.all(ids.filter(isInstanceId).map((id) => this.read(id)));
    return records.filter((r): r is R => r !== null);
  }

  /** Digests of the images every recorded instance uses, for the image garbage collector. */
  async imagesInUse(): Promise<Set<string>> {
    return new Set((await this.all()).flatMap((record) => Object.values(this.shape.images(record))));
  }

  /** The part of an instance's view that comes from its record alone. */
  base(record: R): Pick<RuntimeInstance, 'id' | 'address' | 'startedAt' | 'images'> {
    return { id: record.id, address: record.address, startedAt: record.startedAt, images: this.shape.images(record) };
  }

  /** Left `starting` by a crash (no start of this process works on it): exited, START_INTERRUPTED. Else null. */
  interrupted(record: R): RuntimeInstance | null {
    if (record.phase !== 'starting' || this.starting.has(record.id)) return null;
    return { ...this.base(record), state: 'exited', exitCode: null, message: START_INTERRUPTED };
  }
}
