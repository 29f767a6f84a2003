import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../errors/domain-error.js';
import { ApiClient } from './api-client.js';
import { ApiError } from './api-error.js';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

const appStatus = {
  name: 'shop',
  namespace: 'team a',
  group: 'web',
  release: 2,
  desired: 5,
  running: 3,
  healthy: 3,
  count: 5,
  stopped: false,
  destroying: false,
  deployment: null,
  instances: [],
};

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  server = undefined;
});

/** A tiny HTTP server answering every request with `status` and `body`, recording what it saw. */
async function stub(status: number, body: unknown, raw = false): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer(async (req: IncomingMessage, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body: text,
    });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(raw ? String(body) : JSON.stringify(body));
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to fail'),
    (error: unknown) => error,
  );
}

describe('ApiClient', () => {
  it('encodes path params, sends the bearer token and a JSON body, and returns the parsed answer', async () => {
    const { url, seen } = await stub(200, appStatus);
    const client = new ApiClient({ baseUrl: `${url}/`, token: 'secret' });
    const answer = await client.call('scaleApp', { params: { namespace: 'team a', app: 'shop/x' }, body: { count: 5 } });
    expect(answer).toEqual(appStatus);
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/v1/apps/team%20a/shop%2Fx/scale',
        authorization: 'Bearer secret',
        contentType: 'application/json',
        body: '{"count":5}',
      },
    ]);
  });

  it('serialises query parameters, skips undefined ones and omits the header without a token', async () => {
    const { url, seen } = await stub(200, { events: [] });
    const client = new ApiClient({ baseUrl: url, token: null });
    await client.call('listEvents', { query: { app: 'default/shop', after: 12, limit: undefined } });
    expect(seen[0]?.method).toBe('GET');
    expect(seen[0]?.url).toBe('/v1/events?app=default%2Fshop&after=12');
    expect(seen[0]?.authorization).toBeUndefined();
    expect(seen[0]?.body).toBe('');
  });

  it('turns an error body into an ApiError with code, status, message and details', async () => {
    const { url } = await stub(404, { code: 'not_found', message: 'app "default/shop" not found', details: { what: 'app' } });
    const error = await rejection(new ApiClient({ baseUrl: url }).call('getApp', { params: { namespace: 'default', app: 'shop' } }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'not_found', status: 404, message: 'app "default/shop" not found', details: { what: 'app' } });
  });

  it('reports a non-JSON error answer with its status', async () => {
    const { url } = await stub(502, 'Bad Gateway from proxy', true);
    const error = await rejection(new ApiClient({ baseUrl: url }).call('listHosts'));
    expect(error).toMatchObject({ code: 'http_error', status: 502 });
    expect((error as Error).message).toContain('answered 502 Bad Gateway to GET /v1/hosts: Bad Gateway from proxy');
  });

  it('rejects an answer that does not match the route schema as bad_response', async () => {
    const { url } = await stub(200, { hosts: [{ name: 'h1' }] });
    const error = await rejection(new ApiClient({ baseUrl: url }).call('listHosts'));
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'bad_response' });
    expect((error as Error).message).toMatch(/unexpected answer from bubo server at .* to GET \/v1\/hosts: hosts\.0\.id: /);
  });

  it('says the server is unreachable when the connection is refused', async () => {
    const { url } = await stub(200, {});
    await new Promise<void>((done) => server!.close(() => done()));
    server = undefined;
    const error = await rejection(new ApiClient({ baseUrl: url }).call('health'));
    expect(error).toMatchObject({
      code: 'unreachable',
      message: `cannot reach bubo server at ${url}: connection refused; is "bubo server" running? set BUBO_ADDR`,
    });
  });

  it('gives up after the per-call timeout with a timeout error', async () => {
    const never: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const client = new ApiClient({ baseUrl: 'http://bubo.test', fetch: never });
    const error = await rejection(client.call('listGroups', { timeoutMs: 20 }));
    expect(error).toMatchObject({ code: 'timeout', message: 'bubo server at http://bubo.test did not answer GET /v1/groups within 20 ms' });
  });

  it('rejects with the abort reason when the caller aborts', async () => {
    const never: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const controller = new AbortController();
    const call = new ApiClient({ baseUrl: 'http://bubo.test', fetch: never }).call('listGroups', { signal: controller.signal });
    const reason = new Error('user pressed ctrl-c');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
  });
});
