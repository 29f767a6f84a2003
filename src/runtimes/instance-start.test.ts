import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startInstance } from './instance-start.js';
import { type RecordBase, RecordedInstances, START_INTERRUPTED } from './recorded-instances.js';
import type { RuntimeInstance, StartRequest } from './runtime.js';
import { RuntimeStartError } from './runtime-error.js';
import { SimulatedCrash } from './simulated-crash.js';

interface TestRecord extends RecordBase {
  digests: Record<string, string>;
}

let dir: string;
let records: RecordedInstances<TestRecord>;
/** A runtime whose view of an instance is its record (running once started). */
let calls: string[];
const runtime = {
  async inspect(id: string): Promise<RuntimeInstance | null> {
    calls.push(`inspect ${id}`);
    const record = await records.read(id);
    if (!record) return null;
    return records.interrupted(record) ?? { ...records.base(record), state: record.phase === 'started' ? 'running' : 'exited', exitCode: null, message: '' };
  },
  async stop(id: string): Promise<void> {
    calls.push(`stop ${id}`);
    rmSync(records.dir(id), { recursive: true, force: true });
  },
};

function request(id: string): StartRequest {
  return { id, app: 'shop', namespace: 'default', release: 1, slot: 0, spec: {} as never, secrets: {} };
}

function steps(id: string, run: (record: TestRecord) => Promise<void> = async () => {}) {
  return {
    beforeStep: async () => {},
    record: (): TestRecord => ({ id, app: 'shop', namespace: 'default', address: null, startedAt: 5, phase: 'starting', digests: {} }),
    run,
  };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bubo-start-'));
  calls = [];
  records = new RecordedInstances<TestRecord>(dir, {
    placeholder: (id) => ({ id, app: '', namespace: '', address: null, startedAt: 0, phase: 'starting', digests: {} }),
    images: (record) => record.digests,
  });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('startInstance', () => {
  it('writes the record first, runs the runtime steps, then marks it started and returns its view', async () => {
    let seenDuringRun: RuntimeInstance | null = null;
    const started = await startInstance(runtime, records, request('web-1'), steps('web-1', async (record) => {
      seenDuringRun = await runtime.inspect('web-1'); // not interrupted: this process is starting it
      record.address = '10.0.0.2';
      record.digests = { web: 'sha256:a' };
    }));
    expect(seenDuringRun).toMatchObject({ state: 'exited', message: '' });
    expect(started).toEqual({ id: 'web-1', address: '10.0.0.2', startedAt: 5, images: { web: 'sha256:a' }, state: 'running', exitCode: null, message: '' });
    expect((await records.read('web-1'))?.phase).toBe('started');
    expect(await records.imagesInUse()).toEqual(new Set(['sha256:a']));
  });

  it('returns a running instance as it is, and stops leftovers of an earlier try before starting afresh', async () => {
    await startInstance(runtime, records, request('web-1'), steps('web-1'));
    calls = [];
    expect(await startInstance(runtime, records, request('web-1'), steps('web-1', async () => expect.fail('started twice')))).toMatchObject({ state: 'running' });
    expect(calls).toEqual(['inspect web-1']);

    mkdirSync(records.dir('web-2'), { recursive: true }); // a crash right after mkdir
    calls = [];
    await startInstance(runtime, records, request('web-2'), steps('web-2'));
    expect(calls).toEqual(['inspect web-2', 'stop web-2', 'inspect web-2']);
  });

  it.each([
    ['a plain error', new Error('disk full'), 'Cannot start instance web-1: disk full'],
    ['a RuntimeStartError', new RuntimeStartError('image nginx:9 not found in the registry'), 'image nginx:9 not found in the registry'],
  ])('after %s in a step: stops the instance and rejects with a RuntimeStartError', async (_, thrown, message) => {
    const failing = startInstance(runtime, records, request('web-1'), steps('web-1', async () => {
      throw thrown;
    }));
    await expect(failing).rejects.toThrow(new RuntimeStartError(message));
    await expect(failing).rejects.toBeInstanceOf(RuntimeStartError);
    expect(calls).toContain('stop web-1');
    expect(await records.all()).toEqual([]);
  });

  it('rethrows a simulated crash without cleaning up; the record then reads as an interrupted start', async () => {
    await expect(startInstance(runtime, records, request('web-1'), steps('web-1', async () => {
      throw new SimulatedCrash('launch');
    }))).rejects.toBeInstanceOf(SimulatedCrash);
    expect(calls).not.toContain('stop web-1');
    expect(await runtime.inspect('web-1')).toEqual({ id: 'web-1', address: null, startedAt: 5, images: {}, state: 'exited', exitCode: null, message: START_INTERRUPTED });
  });

  it('refuses an id that cannot be a directory name, and fails a host prerequisite before writing anything', async () => {
    await expect(startInstance(runtime, records, request('../x'), steps('../x'))).rejects.toThrow('Cannot start instance "../x": the id must be letters, digits, ".", "_" or "-"');
    const prepare = async () => {
      throw new Error('qemu-system-x86_64 --version failed');
    };
    await expect(startInstance(runtime, records, request('web-1'), { ...steps('web-1'), prepare })).rejects.toThrow('Cannot start instance web-1: qemu-system-x86_64 --version failed');
    expect(await records.all()).toEqual([]);
    expect(calls).toEqual(['inspect web-1']);
  });

  it('refuses a container secret without a value before anything is written, naming the container and the secret', async () => {
    const spec = {
      containers: [
        { name: 'web', secrets: [{ name: 'TOKEN', file: null }] },
        { name: 'side', secrets: [{ name: 'TOKEN', file: null }, { name: 'TLS_KEY', file: '/run/secrets/tls.key' }] },
      ],
    } as never;
    const error = await startInstance(runtime, records, { ...request('web-1'), spec, secrets: { TOKEN: 'TOKEN-VALUE' } }, steps('web-1', async () => expect.fail('ran'))).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(RuntimeStartError);
    expect(error.message).toBe('Cannot start instance web-1: container "side": secret TLS_KEY has no value');
    expect(error.message).not.toContain('TOKEN-VALUE');
    expect(await records.read('web-1')).toBeNull();
    expect(calls).toEqual(['inspect web-1']);
  });
});
