import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/errors/domain-error.js';
import { ApiError } from '../../src/client/api-error.js';
import type { AgentLogRequest } from '../../src/logs/agent-log-opener.js';
import type { LogLine } from '../../src/logs/log-line.js';
import { buildHttpApp } from '../../src/http/build-http-app.js';
import { createHarness, type Harness, registerBody, TOKEN, taskFile } from '../support/api-harness.js';

/** What each fake agent answers, by agent URL: lines, or an error thrown when opening. */
let agents: Record<string, LogLine[] | Error>;
let requests: AgentLogRequest[];
let h: Harness;
let app: ReturnType<typeof buildHttpApp>;

beforeEach(async () => {
  agents = {};
  requests = [];
  h = await createHarness();
  app = buildHttpApp({
    ctx: h.ctx,
    token: TOKEN,
    logError: () => {},
    agentLogs: async (request) => {
      requests.push(request);
      const answer = agents[request.agentUrl];
      if (answer instanceof Error) throw answer;
      return (async function* () {
        yield* answer ?? [];
      })();
    },
  });
});
afterEach(async () => {
  await app.close();
  await h.close();
});

/** Two hosts, one instance of shop on each, both running; returns instance ids by host name. */
async function deployOnTwoHosts(agentUrls: (string | undefined)[] = ['http://h1:7071', 'http://h2:7071']): Promise<Record<string, string>> {
  const hostIds: Record<string, string> = {};
  for (const [i, name] of ['h1', 'h2'].entries()) {
    const url = agentUrls[i];
    const res = await h.request('POST', '/v1/agent/register', { ...registerBody(name, 'web'), ...(url ? { agent_url: url } : {}) });
    hostIds[res.body.host_id] = name;
  }
  await h.request('POST', '/v1/deploy', { task: taskFile({ count: 2 }) });
  await h.loop.runOnce();
  const byHost: Record<string, string> = {};
  for (const [hostId, name] of Object.entries(hostIds)) {
    const assigned = await h.request('GET', `/v1/agent/assignments?host_id=${hostId}&wait_ms=0`);
    const instances = assigned.body.instances.map((a: { id: string }) => ({ id: a.id, state: 'running', address: '10.88.1.2' }));
    await h.request('POST', '/v1/agent/status', { host_id: hostId, instances });
    byHost[name] = instances[0].id;
  }
  return byHost;
}

async function logs(query = '') {
  const res = await app.inject({ method: 'GET', url: `/v1/apps/default/shop/logs${query}`, headers: { authorization: `Bearer ${TOKEN}` } });
  const lines = res.statusCode === 200 ? res.body.split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  return { status: res.statusCode, type: res.headers['content-type'], lines, body: res.statusCode === 200 ? null : res.json() };
}

describe('GET /v1/apps/:namespace/:app/logs', () => {
  it('merges the streams of every instance, each line stamped with its instance', async () => {
    const ids = await deployOnTwoHosts();
    agents['http://h1:7071'] = [{ container: 'web', line: 'hello from 1', at: 5 }];
    agents['http://h2:7071'] = [
      { container: 'web', line: 'hello from 2', at: null },
      { container: 'web', line: 'bye from 2', at: null },
    ];
    const res = await logs();
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/x-ndjson');
    expect(res.lines).toHaveLength(3);
    expect(res.lines).toEqual(
      expect.arrayContaining([
        { instance: ids.h1, container: 'web', line: 'hello from 1', at: 5 },
        { instance: ids.h2, container: 'web', line: 'hello from 2', at: null },
        { instance: ids.h2, container: 'web', line: 'bye from 2', at: null },
      ]),
    );
    expect(res.lines.filter((l) => l.instance === ids.h2).map((l) => l.line)).toEqual(['hello from 2', 'bye from 2']);
  });

  it('turns an unreachable host into one error line while the others stream on', async () => {
    const ids = await deployOnTwoHosts();
    agents['http://h1:7071'] = new DomainError('unreachable', 'cannot reach agent at http://h1:7071: connection refused');
    agents['http://h2:7071'] = [{ container: 'web', line: 'fine', at: null }];
    const res = await logs();
    expect(res.lines).toEqual(
      expect.arrayContaining([
        { instance: ids.h1, error: 'host h1 unreachable: cannot reach agent at http://h1:7071: connection refused' },
        { instance: ids.h2, container: 'web', line: 'fine', at: null },
      ]),
    );
  });

  it('says which host has no agent listener, and which instance its agent does not hold', async () => {
    const ids = await deployOnTwoHosts([undefined, 'http://h2:7071']);
    agents['http://h2:7071'] = new ApiError(404, 'not_found', 'instance not found on this host', null);
    const res = await logs();
    expect(res.lines).toEqual(
      expect.arrayContaining([
        { instance: ids.h1, error: expect.stringContaining('host h1 has no agent listener') },
        { instance: ids.h2, error: `instance ${ids.h2} is not on host h2 (not started yet, or already removed)` },
      ]),
    );
  });

  it('passes follow, tail and since on to the one instance asked for', async () => {
    const ids = await deployOnTwoHosts();
    await logs(`?instance=${ids.h2}&follow=true&tail=5&since=10m`);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ agentUrl: 'http://h2:7071', instanceId: ids.h2, follow: true, tailLines: 5, sinceMs: h.clock.now - 600_000 });
  });

  it('refuses an unknown app or instance and a bad duration before streaming anything', async () => {
    await deployOnTwoHosts();
    const noApp = await app.inject({ method: 'GET', url: '/v1/apps/default/nope/logs', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(noApp.statusCode).toBe(404);
    expect(noApp.json().message).toMatch(/app "default\/nope" not found/);
    const noInstance = await logs('?instance=shop-zzz');
    expect(noInstance.status).toBe(404);
    expect(noInstance.body.message).toMatch(/instance "shop-zzz" not found/);
    const badSince = await logs('?since=10');
    expect(badSince.status).toBe(400);
    expect(badSince.body.message).toBe('since: duration "10" has no unit; write "10s"');
    expect(requests).toEqual([]);
  });
});
