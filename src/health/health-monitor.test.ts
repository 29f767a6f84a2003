import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeRuntime } from '../runtimes/fake/fake-runtime.js';
import type { CheckSpec, TaskSpec } from '../domain/task-spec.js';
import { HealthMonitor, type HealthReport, type MonitoredInstance } from './health-monitor.js';
import type { Prober } from './prober.js';

function spec(check: Partial<CheckSpec> | null, port = 8080): TaskSpec {
  return {
    app: 'web',
    namespace: 'default',
    group: 'main',
    count: 1,
    runtime: 'container',
    resources: { cpus: 1, memory_mib: 64, disk_mib: 100 },
    containers: [],
    ports: [{ name: 'http', port, protocol: 'http', public: null }],
    check: check && {
      kind: 'http',
      port: 'http',
      path: '/health',
      expect: null,
      command: null,
      interval_ms: 20,
      timeout_ms: 200,
      healthy_threshold: 1,
      unhealthy_threshold: 2,
      grace_period_ms: 0,
      ...check,
    },
    deploy: { strategy: 'rolling', max_unavailable: 1, max_surge: 1, healthy_deadline_ms: 60_000, drain_delay_ms: 0, switch_grace_ms: 0 },
    volumes: [],
  };
}

async function until<T>(probe: () => T, timeoutMs = 3000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`still ${String(value)} after ${timeoutMs} ms`);
    if (vi.isFakeTimers()) await vi.advanceTimersByTimeAsync(10);
    else await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('HealthMonitor', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Timers under the test's control: time advances only when the test says so. */
  function fakeTimers() {
    vi.useFakeTimers();
    cleanups.push(() => vi.useRealTimers());
  }

  function monitor(options: ConstructorParameters<typeof HealthMonitor>[0] = {}) {
    const changes: string[] = [];
    const m = new HealthMonitor({
      ...options,
      onChange: (id, report) => {
        changes.push(`${id}:${report.health}`);
        options.onChange?.(id, report);
      },
    });
    cleanups.push(async () => {
      const stopped = m.stop();
      // Checks in flight on fake time end only when the test's clock moves.
      if (vi.isFakeTimers()) await vi.advanceTimersByTimeAsync(1_000);
      await stopped;
    });
    return { m, changes };
  }

  async function instance(runtime: FakeRuntime, id: string, taskSpec: TaskSpec): Promise<MonitoredInstance> {
    const started = await runtime.start({ id, app: 'web', namespace: 'default', release: 1, slot: 0, spec: taskSpec, secrets: {} });
    return { id, address: started.address, spec: taskSpec, startedAt: started.startedAt, runtime };
  }

  it('follows a real HTTP server from healthy to unhealthy and back, reporting each change once', async () => {
    let status = 200;
    const server: Server = createServer((_req, res) => res.writeHead(status).end(status === 200 ? 'ok' : 'down'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const { port } = server.address() as AddressInfo;
    const runtime = new FakeRuntime({ addressFor: () => '127.0.0.1' });
    const { m, changes } = monitor();
    m.sync([await instance(runtime, 'web-1', spec({ expect: 'ok' }, port))]);
    expect(m.health('web-1')).toMatchObject({ health: 'unknown', message: 'not checked yet' });

    await until(() => m.health('web-1')?.health === 'healthy');
    expect(m.health('web-1')?.message).toBe(`HTTP 200 from http://127.0.0.1:${port}/health`);
    status = 503;
    const down = await until(() => (m.health('web-1')?.health === 'unhealthy' ? m.health('web-1') : null));
    expect(down.message).toMatch(new RegExp(`^\\d+ consecutive failures: HTTP 503 from http://127\\.0\\.0\\.1:${port}/health$`));
    status = 200;
    await until(() => m.health('web-1')?.health === 'healthy');
    expect(changes).toEqual(['web-1:healthy', 'web-1:unhealthy', 'web-1:healthy']);
  });

  it('turns an instance whose exec check fails unhealthy, with the command output', async () => {
    const runtime = new FakeRuntime();
    const { m } = monitor();
    const target = await instance(runtime, 'db-1', spec({ kind: 'exec', port: null, path: null, command: ['pg_isready'] }));
    runtime.setExec('db-1', { exitCode: 2, output: 'no response' });
    m.sync([target]);
    const report = await until(() => (m.health('db-1')?.health === 'unhealthy' ? m.health('db-1') : null));
    expect(report.message).toMatch(/^\d+ consecutive failures: exec pg_isready: exit 2: no response$/);
    runtime.setExec('db-1', null);
    await until(() => m.health('db-1')?.health === 'healthy');
    expect(runtime.execCalls.every((c) => c.id === 'db-1' && c.container === null)).toBe(true);
  });

  it('reports instances without a check as none and never checks them', async () => {
    const calls: string[] = [];
    const { m } = monitor({
      probe: async (target) => {
        calls.push(target.id);
        return { ok: true, message: '' };
      },
    });
    fakeTimers();
    m.sync([{ id: 'plain', address: '10.0.0.2', spec: spec(null), startedAt: 1234, runtime: new FakeRuntime() }]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(m.health('plain')).toEqual({ health: 'none', message: '', since: 1234, checked: true });
    expect(m.health('other')).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('does not count failures within the grace period', async () => {
    let clock = 1_000;
    let checks = 0;
    const failing: Prober = async () => {
      checks++;
      return { ok: false, message: 'connection refused' };
    };
    const { m } = monitor({ probe: failing, now: () => clock });
    m.sync([{ id: 'slow', address: '10.0.0.2', spec: spec({ unhealthy_threshold: 1, grace_period_ms: 300 }), startedAt: 1_000, runtime: new FakeRuntime() }]);
    clock = 1_299;
    await until(() => checks >= 3);
    expect(m.health('slow')).toEqual({ health: 'unknown', message: 'failing within the grace period: connection refused', since: 1_000, checked: true });
    clock = 1_300;
    await until(() => m.health('slow')?.health === 'unhealthy');
    expect(m.health('slow')).toEqual({ health: 'unhealthy', message: '1 consecutive failure: connection refused', since: 1_300, checked: true });
  });

  it('never runs two checks of one instance at once, even when a check outlasts the interval', async () => {
    let inFlight = 0;
    let most = 0;
    let count = 0;
    const slow: Prober = async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      count++;
      await sleep(50);
      inFlight--;
      return { ok: true, message: 'ok' };
    };
    fakeTimers();
    const { m } = monitor({ probe: slow });
    m.sync([{ id: 'a', address: '10.0.0.2', spec: spec({ interval_ms: 10 }), startedAt: Date.now(), runtime: new FakeRuntime() }]);
    // Each check takes 50 ms of (fake) time against an interval of 10 ms.
    await vi.advanceTimersByTimeAsync(260);
    expect(count).toBeGreaterThanOrEqual(4);
    expect(most).toBe(1);
  });

  it('drops vanished instances and starts over when an instance restarted in place', async () => {
    const seen: string[] = [];
    const probe: Prober = async (target) => {
      seen.push(target.id);
      return { ok: true, message: 'fine' };
    };
    fakeTimers();
    const { m, changes } = monitor({ probe });
    const runtime = new FakeRuntime();
    const a = { id: 'a', address: '10.0.0.2', spec: spec({}), startedAt: 1000, runtime };
    const b = { id: 'b', address: '10.0.0.3', spec: spec({}), startedAt: 1000, runtime };
    m.sync([a, b]);
    m.sync([a, b]); // idempotent: nothing restarts
    await until(() => m.health('a')?.health === 'healthy' && m.health('b')?.health === 'healthy');
    m.sync([{ ...a, address: '10.0.0.9' }]);
    expect(m.health('b')).toBeUndefined();
    const countB = seen.filter((id) => id === 'b').length;
    m.sync([{ ...a, startedAt: 2000 }]);
    expect(m.health('a')).toMatchObject({ health: 'unknown', since: 2000 });
    await until(() => m.health('a')?.health === 'healthy');
    // A dropped instance is never checked again, however long the monitor runs (checks run every 20 ms).
    await vi.advanceTimersByTimeAsync(1_000);
    expect(seen.filter((id) => id === 'b').length).toBe(countB);
    expect(changes.filter((c) => c.startsWith('a:'))).toEqual(['a:healthy', 'a:unknown', 'a:healthy']);
  });

  it('stop cancels the checks in flight and leaves no timer behind', async () => {
    vi.useFakeTimers();
    cleanups.push(() => vi.useRealTimers());
    let count = 0;
    let cancelled = 0;
    const hanging: Prober = (_target, _check, signal) =>
      new Promise((resolve) => {
        count++;
        signal.addEventListener('abort', () => {
          cancelled++;
          resolve({ ok: false, message: 'cancelled' });
        });
      });
    const m = new HealthMonitor({ probe: hanging, random: () => 0 });
    const a = { id: 'a', address: '10.0.0.2', spec: spec({}), startedAt: Date.now(), runtime: new FakeRuntime() };
    const b = { id: 'b', address: '10.0.0.3', spec: spec({ interval_ms: 5000 }), startedAt: Date.now(), runtime: new FakeRuntime() };
    m.sync([a, b]);
    await vi.advanceTimersByTimeAsync(15);
    expect(count).toBe(1); // a's check hangs; b's first check is due at 500 ms
    expect(vi.getTimerCount()).toBe(1);
    await m.stop();
    expect(cancelled).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    m.sync([{ ...a, id: 'c' }]);
    expect(vi.getTimerCount()).toBe(0);
    expect(m.health('c')).toBeUndefined();
  });

  it('keeps reporting the change when onChange throws', async () => {
    const logs: string[] = [];
    const { m } = monitor({
      probe: async () => ({ ok: true, message: 'ok' }),
      log: (line) => logs.push(line),
      onChange: (_id: string, _report: HealthReport) => {
        throw new Error('server down');
      },
    });
    m.sync([{ id: 'a', address: '10.0.0.2', spec: spec({}), startedAt: Date.now(), runtime: new FakeRuntime() }]);
    await until(() => m.health('a')?.health === 'healthy');
    expect(logs).toEqual(['instance a: unknown -> healthy: ok', 'health onChange for a failed: server down']);
  });
});
