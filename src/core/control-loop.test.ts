import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite-store.js';
import { createCore } from './create-core.js';
import { deployApp } from './deploy-app.js';
import { registerHost } from './register-host.js';
import { setHostCordon } from './set-host-cordon.js';

const TASK = `app = "web"
group = "web"
count = 1
runtime = "container"

[resources]
cpus = 0.5
memory = "64MiB"
disk = "64MiB"

[[containers]]
name = "web"
image = "registry.invalid/web:1"
`;

const until = async (what: () => boolean, ms = 2_000) => {
  const end = Date.now() + ms;
  while (!what() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  return what();
};

describe('ControlLoop and joining hosts', () => {
  it('runs a pass for a new host only while instances wait for a place, and always for a host registering again', async () => {
    const store = await openSqliteStore(':memory:');
    // The periodic pass never comes within the test: only wake-ups run passes.
    let passes = 0;
    let placed = 0;
    const { ctx, loop } = createCore({
      store,
      options: { peersAnnounceMs: 60_000 },
      loop: {
        intervalMs: 600_000,
        debounceMs: 0,
        onPass: (o) => {
          passes++;
          placed += o.placed;
        },
      },
    });
    const register = (name: string) =>
      registerHost(ctx, {
        name,
        group: 'web',
        address: '192.0.2.1',
        capacity: { cpus: 2, memory_mib: 2048, disk_mib: 10_000 },
        runtimes: [{ name: 'runc', kind: 'container', available: true }],
        labels: {},
        roles: [],
      });
    // Admitted, then every host cordoned before the first pass: its instance cannot be placed.
    await register('h1');
    await register('h2');
    await deployApp(ctx, { task: TASK, actor: 'test' });
    await setHostCordon(ctx, { host: 'h1', cordoned: true, actor: 'test' });
    await setHostCordon(ctx, { host: 'h2', cordoned: true, actor: 'test' });
    loop.start();
    expect(await until(() => passes === 1)).toBe(true);
    expect(placed).toBe(0);

    // A new host is what the instance waits for: placed at once, not at the next periodic pass.
    await register('h3');
    expect(await until(() => placed === 1)).toBe(true);
    const after = passes;

    // Nothing waits for a place any more: a new host runs no pass.
    await register('h4');
    await new Promise((r) => setTimeout(r, 50));
    expect(passes).toBe(after);

    // A host registering again always gets a pass.
    const before = passes;
    await register('h1');
    expect(await until(() => passes > before)).toBe(true);
    await loop.stop();
    await store.close();
  });
});
