import { describe, expect, it } from 'vitest';
import { FallbackRuntime } from './fallback-runtime.js';
import { FakeRuntime } from './fake/fake-runtime.js';

describe('FallbackRuntime', () => {
  it('offers a container runtime under the microvm kind, says so, and leaves listing to the inner runtime', async () => {
    const runc = new FakeRuntime({ name: 'runc', kind: 'container' });
    const fallback = new FallbackRuntime(runc, 'microvm', 'no microVM runtime here (qemu: not installed)');
    expect(await fallback.probe()).toEqual({
      name: 'runc',
      kind: 'microvm',
      available: true,
      detail: 'fallback: no microVM runtime here (qemu: not installed); microvm tasks run as containers under runc',
    });
    await fallback.start({ id: 'i-1', app: 'web', namespace: 'default', release: 1, slot: 0, spec: {} as never, secrets: {} });
    expect((await runc.list()).map((i) => i.id)).toEqual(['i-1']);
    expect(await fallback.list()).toEqual([]); // listed once, by runc, which also stops and re-adopts it
    expect((await fallback.inspect('i-1'))?.state).toBe('running');
    await fallback.stop('i-1', 1_000);
    expect(await runc.list()).toEqual([]);
  });

  it('is unavailable when the inner runtime is', async () => {
    const runc = new FakeRuntime({ name: 'runc', kind: 'container', unavailable: 'runc not installed' });
    expect(await new FallbackRuntime(runc, 'microvm', 'x').probe()).toEqual({ name: 'runc', kind: 'microvm', available: false, reason: 'runc not installed' });
  });
});
