import { describe, expect, it } from 'vitest';
import { fakeCliDeps, type FakeRoutes } from '../../../test/support/fake-cli-deps.js';
import { runCli } from '../run-cli.js';

const ndjson = (lines: unknown[]) => lines.map((l) => `${JSON.stringify(l)}\n`).join('');

/** The fake CLI, with `GET /v1/apps/default/shop/logs…` answering `body` as a stream; other routes as `routes` say. */
function cliWithLogs(body: string | ((signal: AbortSignal | undefined) => ReadableStream<Uint8Array>), routes: FakeRoutes = {}, shutdown?: AbortController) {
  const seen: string[] = [];
  const plain = fakeCliDeps(routes);
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input));
    if (!url.pathname.endsWith('/logs')) return plain.deps.fetch!(input, init);
    seen.push(url.pathname + url.search);
    const stream = typeof body === 'string' ? body : body(init?.signal ?? undefined);
    return new Response(stream, { status: 200, headers: { 'content-type': 'application/x-ndjson' } });
  };
  const cli = fakeCliDeps(routes, { fetch, ...(shutdown ? { shutdownSignal: () => shutdown.signal } : {}) });
  return { ...cli, seen };
}

const lines = [
  { instance: 'shop-1', container: 'web', line: 'GET / 200', at: null },
  { instance: 'shop-2', container: 'web', line: 'GET /cart 200', at: 1714564800000 },
];

describe('bubo logs', () => {
  it('prints instance/container | line for every instance, passing --tail and --since on', async () => {
    const cli = cliWithLogs(ndjson(lines));
    await runCli(['logs', 'shop', '--tail', '20', '--since', '10m'], cli.deps);
    expect(cli.seen).toEqual(['/v1/apps/default/shop/logs?tail=20&since=10m']);
    expect(cli.stdout()).toBe('shop-1/web | GET / 200\nshop-2/web | GET /cart 200\n');
    expect(cli.exitCode()).toBe(0);
  });

  it('prints bare lines for one instance of a one-container release', async () => {
    const cli = cliWithLogs(ndjson([lines[0]]), {
      'GET /v1/apps/ops/shop': { instances: [{ id: 'shop-1', host: 'h1', release: 3, slot: 0, desired: 'run', state: 'running', address: null, message: '', health: 'none', health_message: '' }], name: 'shop', namespace: 'ops', group: 'web', release: 3, desired: 1, running: 1, healthy: 1, count: 1, stopped: false, destroying: false, deployment: null },
      'GET /v1/apps/ops/shop/releases': { app: 'shop', namespace: 'ops', releases: [{ version: 3, current: true, images: ['shop:1'], count: 1, warnings: [], secrets: {}, created_at: '2024-05-01T00:00:00Z' }] },
    });
    await runCli(['logs', 'ops/shop', '--instance', 'shop-1'], cli.deps);
    expect(cli.stdout()).toBe('GET / 200\n');
  });

  it('prints the NDJSON lines as they come with --json', async () => {
    const cli = cliWithLogs(ndjson(lines));
    await runCli(['logs', 'shop', '--json'], cli.deps);
    expect(cli.stdout()).toBe(ndjson(lines));
  });

  it('reports a host that cannot be read on stderr, prints the rest, and exits 1', async () => {
    const cli = cliWithLogs(ndjson([{ instance: 'shop-1', error: 'host h1 unreachable: connection refused' }, lines[1]]));
    await runCli(['logs', 'shop'], cli.deps);
    expect(cli.stderr()).toBe('bubo: host h1 unreachable: connection refused\n');
    expect(cli.stdout()).toBe('shop-2/web | GET /cart 200\n');
    expect(cli.exitCode()).toBe(1);
  });

  it('fails in one line for an app that does not exist', async () => {
    const plain = fakeCliDeps({ 'GET /v1/apps/default/nope/logs': [404, { code: 'not_found', message: 'app "default/nope" not found; see "bubo status" for the apps that exist', details: null }] });
    await runCli(['logs', 'nope'], plain.deps);
    expect(plain.stderr()).toBe('bubo: app "default/nope" not found; see "bubo status" for the apps that exist\n');
    expect(plain.exitCode()).toBe(1);
  });

  it('follows until interrupted, then exits 0', async () => {
    const shutdown = new AbortController();
    const cli = cliWithLogs(
      (signal) =>
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(ndjson([lines[0]])));
            signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
            setTimeout(() => shutdown.abort('SIGINT'), 20);
          },
        }),
      {},
      shutdown,
    );
    await runCli(['logs', 'shop', '-f'], cli.deps);
    expect(cli.seen).toEqual(['/v1/apps/default/shop/logs?follow=true']);
    expect(cli.stdout()).toBe('shop-1/web | GET / 200\n');
    expect(cli.stderr()).toBe('');
    expect(cli.exitCode()).toBe(0);
  });

  it('refuses a --tail that is not a number', async () => {
    const cli = cliWithLogs('');
    await runCli(['logs', 'shop', '--tail', 'ten'], cli.deps);
    expect(cli.stderr()).toBe('bubo: --tail "ten" must be a whole number of lines\n');
    expect(cli.exitCode()).toBe(2);
  });
});
