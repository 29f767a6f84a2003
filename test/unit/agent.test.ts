import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.js';
import { ApiClient } from '../../src/client/api-client.js';
import { FakeRuntime } from '../../src/runtimes/fake/fake-runtime.js';
import type { StartRequest } from '../../src/runtimes/runtime.js';
import { createHarness, type Harness, TOKEN, taskFile } from '../support/api-harness.js';

/** The agent loop against an in-process server, over the fake runtime. */
describe('Agent', () => {
  let h: Harness;
  let agent: Agent | undefined;

  beforeEach(async () => {
    h = await createHarness();
    h.loop.start();
  });
  afterEach(async () => {
    await agent?.stop();
    await h.close();
  });

  /** A client whose fetch goes to the in-process server, no sockets. */
  function client(): ApiClient {
    const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(String(input));
      const res = await h.app.inject({
        method: (init?.method ?? 'GET') as 'GET',
        url: url.pathname + url.search,
        headers: Object.fromEntries(new Headers(init?.headers).entries()),
        ...(init?.body ? { payload: String(init.body) } : {}),
      });
      return new Response(res.body, { status: res.statusCode, headers: { 'content-type': 'application/json' } });
    }) as typeof globalThis.fetch;
    return new ApiClient({ baseUrl: 'http://bubo.test', token: TOKEN, fetch });
  }

  async function until(what: string, probe: () => Promise<boolean>) {
    for (let n = 0; n < 200; n++) {
      if (await probe()) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  const appStatus = async () => (await h.request('GET', '/v1/apps/default/shop')).body;

  it('reports an instance starting, not running, until the runtime has started it', async () => {
    // A runtime that lists the instance at once (as runc records it before starting) but takes time to start.
    // The start finishes only when the test lets it; `list` calls count the agent's looks at it.
    let finishStart!: () => void;
    const startMayFinish = new Promise<void>((resolve) => {
      finishStart = resolve;
    });
    let lists = 0;
    class EagerRuntime extends FakeRuntime {
      override async start(request: StartRequest) {
        this.instances.set(request.id, { id: request.id, state: 'running', address: null, exitCode: null, message: '', startedAt: 0, request });
        await startMayFinish;
        this.instances.delete(request.id);
        return super.start(request);
      }
      override async list() {
        lists++;
        return super.list();
      }
    }
    const runtime = new EagerRuntime({ name: 'qemu' });
    agent = new Agent({ client: client(), name: 'h1', group: 'web', address: '192.0.2.1', capacity: { cpus: 4, memory_mib: 4096, disk_mib: 10000 }, runtimes: [runtime], pollWaitMs: 200, monitorIntervalMs: 20 });
    await agent.start();
    await h.request('POST', '/v1/deploy', { task: taskFile({ count: 1 }) });
    await until('the start to begin', async () => runtime.instances.size > 0);
    // Several supervise ticks see the instance listed as running while its start is in flight.
    const seen = lists;
    await until('more looks at the runtime', async () => lists >= seen + 10);
    expect((await appStatus()).instances[0].state).toBe('starting');
    finishStart();
    await until('running', async () => (await appStatus()).running === 1);
    expect((await appStatus()).instances[0].address).toMatch(/^10\.99\./);
  });

  it('stops within its grace when a start never finishes, saying which instance it left', async () => {
    class StuckRuntime extends FakeRuntime {
      override start(): Promise<never> {
        return new Promise(() => {});
      }
    }
    const lines: string[] = [];
    const runtime = new StuckRuntime({ name: 'qemu' });
    const stuck = new Agent({ client: client(), name: 'h1', group: 'web', address: '192.0.2.1', capacity: { cpus: 4, memory_mib: 4096, disk_mib: 10000 }, runtimes: [runtime], pollWaitMs: 200, monitorIntervalMs: 20, stopGraceMs: 300, log: (l) => lines.push(l) });
    await stuck.start();
    await h.request('POST', '/v1/deploy', { task: taskFile({ count: 1 }) });
    await until('the start to begin', async () => (await appStatus()).instances.some((i: { state: string }) => i.state === 'starting'));
    const id = (await appStatus()).instances[0].id;
    const began = Date.now();
    await stuck.stop();
    expect(Date.now() - began).toBeLessThan(2_000);
    expect(lines.at(-1)).toBe(`stopping: still busy after 0s with instance(s) ${id}; not waiting longer, a restarted agent takes over from here`);
  });

  it('reports a failed start with the runtime\'s reason and stops what it does not hold', async () => {
    const runtime = new FakeRuntime({ name: 'qemu' });
    await runtime.start({ id: 'orphan-1', app: 'x', namespace: 'default', release: 1, slot: 0, spec: {} as never, secrets: {} });
    runtime.failStarts(() => 'image registry.internal:5000/shop:1.4.2 not found in the registry');
    agent = new Agent({ client: client(), name: 'h1', group: 'web', address: '192.0.2.1', capacity: { cpus: 4, memory_mib: 4096, disk_mib: 10000 }, runtimes: [runtime], pollWaitMs: 200, monitorIntervalMs: 20 });
    await agent.start();
    await h.request('POST', '/v1/deploy', { task: taskFile({ count: 1 }) });
    await until('failed', async () => (await appStatus()).instances.some((i: { state: string }) => i.state === 'failed'));
    const failed = (await appStatus()).instances.find((i: { state: string }) => i.state === 'failed');
    expect(failed.message).toBe('start failed: image registry.internal:5000/shop:1.4.2 not found in the registry');
    await until('the orphan to be stopped', async () => !runtime.instances.has('orphan-1'));
  });

  it('drains a stopping instance: out of the catalog first, stopped only after the drain delay', async () => {
    const runtime = new FakeRuntime({ name: 'qemu' });
    agent = new Agent({ client: client(), name: 'h1', group: 'web', address: '192.0.2.1', capacity: { cpus: 4, memory_mib: 4096, disk_mib: 10000 }, runtimes: [runtime], pollWaitMs: 200, monitorIntervalMs: 20 });
    await agent.start();
    await h.request('POST', '/v1/deploy', { task: `${taskFile({ count: 1 })}\n[deploy]\ndrain_delay = "1s"\n` });
    await until('running', async () => (await appStatus()).running === 1);
    const catalogSize = async () => (await h.request('GET', '/v1/agent/catalog?wait_ms=0')).body.services[0].instances.length;
    expect(await catalogSize()).toBe(1);
    await h.request('POST', '/v1/apps/default/shop/scale', { count: 0 });
    await until('the instance to leave the catalog', async () => (await catalogSize()) === 0);
    await until('the agent to see the stop', async () => (await appStatus()).instances[0].state === 'stopping');
    expect([...runtime.instances.values()].map((i) => i.state)).toEqual(['running']); // still draining
    await until('stopped', async () => runtime.instances.size === 0);
    // The agent reports the stop right after the runtime is done with it, not in the same tick.
    await until('the server to show it stopped', async () => ((await appStatus()).instances[0]?.state ?? 'stopped') === 'stopped');
  });

  it('stops an instance only once the load balancer has stopped routing to it, then drains', async () => {
    const runtime = new FakeRuntime({ name: 'qemu' });
    const order: string[] = [];
    const stop = runtime.stop.bind(runtime);
    runtime.stop = async (id, timeoutMs) => {
      order.push(`stop ${id}`);
      return stop(id, timeoutMs);
    };
    let release: () => void = () => {};
    const asked: { id: string; address: string }[] = [];
    agent = new Agent({
      client: client(), name: 'h1', group: 'web', address: '192.0.2.1', capacity: { cpus: 4, memory_mib: 4096, disk_mib: 10000 }, runtimes: [runtime], pollWaitMs: 200, monitorIntervalMs: 20,
      outOfTraffic: (instance) => {
        asked.push(instance);
        order.push(`out of traffic ${instance.id}?`);
        return new Promise<void>((resolve) => {
          release = () => {
            order.push('lb: no longer routed');
            resolve();
          };
        });
      },
    });
    await agent.start();
    // No drain delay: without the wait the stop would follow the assignment at once.
    await h.request('POST', '/v1/deploy', { task: taskFile({ count: 1 }) });
    await until('running', async () => (await appStatus()).running === 1);
    const [running] = [...runtime.instances.values()];
    await h.request('POST', '/v1/apps/default/shop/scale', { count: 0 });
    await until('the agent to ask the load balancer', async () => asked.length === 1);
    expect(asked).toEqual([{ id: running!.id, address: running!.address }]);
    await until('the agent to report the stop', async () => (await appStatus()).instances[0].state === 'stopping');
    expect([...runtime.instances.values()].map((i) => i.state)).toEqual(['running']); // still routed: not stopped
    release();
    await until('stopped', async () => runtime.instances.size === 0);
    expect(order).toEqual([`out of traffic ${running!.id}?`, 'lb: no longer routed', `stop ${running!.id}`]);
  });

  it('reports health from its checks, restarts an unhealthy instance in place, and fails it after too many restarts', async () => {
    const runtime = new FakeRuntime({ name: 'qemu' });
    let starts = 0;
    const start = runtime.start.bind(runtime);
    runtime.start = async (request, signal) => {
      starts++;
      return start(request, signal);
    };
    let verdict = { ok: true, message: 'HTTP 200' };
    agent = new Agent({
      client: client(), name: 'h1', group: 'web', address: '192.0.2.1', capacity: { cpus: 4, memory_mib: 4096, disk_mib: 10000 },
      runtimes: [runtime], pollWaitMs: 200, monitorIntervalMs: 20, maxUnhealthyRestarts: 1,
      healthProbe: async () => verdict,
    });
    await agent.start();
    const task = `${taskFile({ count: 1 })}\n[check]\nhttp = { port = "http" }\ninterval = "100ms"\ntimeout = "50ms"\nunhealthy_threshold = 2\n`;
    await h.request('POST', '/v1/deploy', { task });
    const instance = async () => (await appStatus()).instances[0];
    await until('healthy', async () => (await instance())?.health === 'healthy');
    expect((await appStatus()).healthy).toBe(1);
    verdict = { ok: false, message: 'HTTP 500 from http://10.99.0.2:8080/' };
    await until('a restart after failing checks', async () => starts === 2);
    await until('the restarted instance is checked again', async () => (await instance())?.health === 'unknown' || (await instance())?.health === 'unhealthy');
    await until('failed after one restart', async () => (await instance())?.state === 'failed');
    expect((await instance()).message).toBe('unhealthy after 1 restart(s): 2 consecutive failures: HTTP 500 from http://10.99.0.2:8080/');
    const events = (await h.request('GET', '/v1/events?app=default/shop')).body.events.map((e: { kind: string }) => e.kind);
    expect(events).toEqual(expect.arrayContaining(['instance.healthy', 'instance.unhealthy', 'instance.restarting']));
  });

  it('never starts an instance on a runtime whose probe said it cannot work here', async () => {
    const qemu = new FakeRuntime({ name: 'qemu', unavailable: 'no /dev/kvm and no TCG' });
    const other = new FakeRuntime({ name: 'other' });
    agent = new Agent({ client: client(), name: 'h1', group: 'web', address: '192.0.2.1', capacity: { cpus: 4, memory_mib: 4096, disk_mib: 10000 }, runtimes: [qemu, other], pollWaitMs: 200, monitorIntervalMs: 20 });
    await agent.start();
    await h.request('POST', '/v1/deploy', { task: taskFile({ count: 1 }) });
    await until('running', async () => (await appStatus()).running === 1);
    expect(qemu.instances.size).toBe(0);
    expect(other.instances.size).toBe(1);
  });
});
