import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeRuntime } from '../runtimes/fake/fake-runtime.js';
import type { StartRequest } from '../runtimes/runtime.js';
import type { TaskSpec } from '../domain/task-spec.js';
import { parseLogQuery, type RunningAgentHttp, startAgentHttp } from './agent-http.js';

const TOKEN = 'agent-token-123';
let runtime: FakeRuntime;
let agent: RunningAgentHttp;

beforeEach(async () => {
  runtime = new FakeRuntime();
  await runtime.start({ id: 'shop-1', app: 'shop', namespace: 'default', release: 1, slot: 0, spec: {} as TaskSpec, secrets: {} } satisfies StartRequest);
  agent = await startAgentHttp({ listen: '127.0.0.1:0', token: TOKEN, runtimes: [runtime] });
});
afterEach(async () => {
  await agent.close();
});

const get = (path: string, token: string | null = TOKEN, signal?: AbortSignal) =>
  fetch(`${agent.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, ...(signal ? { signal } : {}) });

async function until(check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe('the agent HTTP listener', () => {
  it('refuses callers without the agent token', async () => {
    for (const token of [null, 'wrong']) {
      const res = await get('/v1/local/instances/shop-1/logs', token);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'unauthorized' });
    }
  });

  it('runs a command in an instance for the server (a backup hook), and refuses what it cannot run', async () => {
    const post = (path: string, body: unknown) => fetch(`${agent.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
    runtime.setExec('shop-1', (argv) => ({ exitCode: argv[0] === 'false' ? 1 : 0, output: `ran ${argv.join(' ')}` }));
    const ok = await post('/v1/local/instances/shop-1/exec', { argv: ['pg_dumpall', '-U', 'postgres'], timeout_ms: 5000 });
    expect(await ok.json()).toEqual({ exit_code: 0, output: 'ran pg_dumpall -U postgres' });
    expect(runtime.execCalls.at(-1)).toEqual({ id: 'shop-1', container: null, argv: ['pg_dumpall', '-U', 'postgres'] });
    expect(await (await post('/v1/local/instances/shop-1/exec', { argv: ['false'], timeout_ms: 5000 })).json()).toEqual({ exit_code: 1, output: 'ran false' });
    expect((await post('/v1/local/instances/shop-1/exec', { argv: [], timeout_ms: 5000 })).status).toBe(400);
    expect((await post('/v1/local/instances/shop-1/exec', { argv: ['x'.repeat(3 * 1024 * 1024)], timeout_ms: 5000 })).status).toBe(413);
    expect((await post('/v1/local/instances/shop-1/exec', { argv: ['x'], timeout_ms: 0 })).status).toBe(400);
    expect((await post('/v1/local/instances/shop-9/exec', { argv: ['x'], timeout_ms: 5000 })).status).toBe(404);
    runtime.setExec('shop-1', () => {
      throw new Error('the control channel is down');
    });
    const broken = await post('/v1/local/instances/shop-1/exec', { argv: ['x'], timeout_ms: 5000 });
    expect(broken.status).toBe(409);
    expect(((await broken.json()) as { message: string }).message).toBe('the control channel is down');
    expect((await fetch(`${agent.url}/v1/local/instances/shop-1/exec`, { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('answers 404 for unknown routes and unknown instances, 400 for a bad query', async () => {
    expect((await get('/v1/local/nope')).status).toBe(404);
    const unknown = await get('/v1/local/instances/shop-9/logs');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { message: string }).message).toBe('instance "shop-9" not found on this host');
    const bad = await get('/v1/local/instances/shop-1/logs?tail=-1');
    expect(bad.status).toBe(400);
  });

  it('streams the history as NDJSON, with the tail per container', async () => {
    for (const line of ['one', 'two', 'three']) runtime.output.append('shop-1', 'web', line, 1000);
    runtime.output.append('shop-1', 'sidecar', 'hi', 1000);
    const res = await get('/v1/local/instances/shop-1/logs?tail=2');
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { container: 'web', line: 'two', at: 1000 },
      { container: 'web', line: 'three', at: 1000 },
      { container: 'sidecar', line: 'hi', at: 1000 },
    ]);
  });

  it('follows new lines and closes the runtime reader when the caller disconnects', async () => {
    runtime.output.append('shop-1', 'web', 'before');
    const controller = new AbortController();
    const res = await get('/v1/local/instances/shop-1/logs?follow=true', TOKEN, controller.signal);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const read = async () => {
      const { value } = await reader.read();
      text += decoder.decode(value);
    };
    await read();
    runtime.output.append('shop-1', 'web', 'after');
    while (!text.includes('after')) await read();
    expect(text.trim().split('\n').map((l) => JSON.parse(l).line)).toEqual(['before', 'after']);
    expect(runtime.output.openReaders).toBe(1);
    controller.abort();
    await until(() => runtime.output.openReaders === 0);
  });

  it('parses the query of the log route', () => {
    expect(parseLogQuery(new URLSearchParams('follow=1&tail=10&since_ms=5'))).toEqual({ follow: true, tailLines: 10, sinceMs: 5 });
    expect(parseLogQuery(new URLSearchParams(''))).toEqual({ follow: false });
    expect(parseLogQuery(new URLSearchParams('follow=yes'))).toBe('follow must be true or false, not "yes"');
  });
});
