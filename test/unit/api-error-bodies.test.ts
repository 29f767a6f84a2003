import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '../../src/api/error-body.js';
import { createHarness, type Harness, TOKEN } from '../support/api-harness.js';

const auth = { authorization: `Bearer ${TOKEN}` };

/** What the framework itself refuses answers with the API's `{code, message, details}` too. */
describe('the API error bodies', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  async function inject(options: InjectOptions) {
    const res = await h.app.inject(options);
    return { status: res.statusCode, body: res.json() as unknown };
  }

  it.each([
    ['a path that is not valid percent-encoding', { method: 'GET', url: '/v1/apps/%E0%A4%A/x', headers: auth }, 400, 'bad_url'],
    ['an over-long path parameter', { method: 'GET', url: `/v1/apps/default/${'a'.repeat(5000)}`, headers: auth }, 414, 'path_too_long'],
    ['an unknown route', { method: 'GET', url: '/v1/nothing-here', headers: auth }, 404, 'not_found'],
    ['malformed JSON', { method: 'POST', url: '/v1/deploy', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"task":' }, 400, 'invalid_json'],
    ['an unsupported content type', { method: 'POST', url: '/v1/deploy', headers: { ...auth, 'content-type': 'text/plain' }, payload: 'x' }, 415, 'unsupported_media_type'],
    ['an oversized body', { method: 'POST', url: '/v1/deploy', headers: { ...auth, 'content-type': 'application/json' }, payload: `{"task":"${'x'.repeat(2 * 1024 * 1024)}"}` }, 413, 'payload_too_large'],
  ] as const)('answers %s with the error body', async (_what, options, status, code) => {
    const res = await inject(options as InjectOptions);
    expect(res.status).toBe(status);
    expect(ErrorBody.strict().parse(res.body)).toMatchObject({ code });
  });

  it.each([
    ['an oversized body', { 'content-type': 'application/json' }, `{"task":"${'x'.repeat(2 * 1024 * 1024)}"}`],
    ['malformed JSON', { 'content-type': 'application/json' }, '{"task":'],
    ['an unsupported content type', { 'content-type': 'text/plain' }, 'x'],
    ['a wrong token', { 'content-type': 'application/json', authorization: 'Bearer nope' }, '{}'],
  ])('answers only 401 to a request without the token, whatever its body: %s', async (_what, headers, payload) => {
    const res = await inject({ method: 'POST', url: '/v1/deploy', headers: headers as Record<string, string>, payload });
    expect(res.status).toBe(401);
    expect(ErrorBody.strict().parse(res.body).code).toBe('unauthorized');
  });

  it('answers 401, not 404, to an unknown route or the API description without the token', async () => {
    expect((await inject({ method: 'GET', url: '/v1/nothing-here' })).status).toBe(401);
    expect((await inject({ method: 'GET', url: '/v1/openapi.json' })).status).toBe(401);
    expect((await inject({ method: 'GET', url: '/v1/health' })).status).toBe(200);
  });

  it('answers headers over the size limit with a 431 and the error body, on a real socket', async () => {
    const server = createServer({ maxHeaderSize: 1024 });
    server.on('request', (req, res) => h.app.routing(req, res));
    // The harness's app never listens; its server's clientError listener is the handler under test.
    const handleClientError = h.app.server.listeners('clientError')[0] as (error: Error, socket: unknown) => void;
    server.on('clientError', handleClientError);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/v1/health', headers: { 'x-big': 'a'.repeat(4096) } }, (res) => {
          let body = '';
          res.on('data', (chunk) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(answer.status).toBe(431);
      expect(ErrorBody.strict().parse(JSON.parse(answer.body)).code).toBe('headers_too_large');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
