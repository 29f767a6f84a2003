import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CatalogResponse } from '../../src/api/catalog.js';
import { ApiClient } from '../../src/client/api-client.js';
import { followCatalog } from '../../src/dns/catalog-follower.js';
import { DnsServer } from '../../src/dns/dns-server.js';
import { deadPort, sendUdp } from '../support/test-dns-client.js';

function catalogAt(index: number, address: string): CatalogResponse {
  return {
    index,
    services: [{ app: 'shop', namespace: 'default', ports: [], instances: [{ id: `shop-web-${index}`, address, host: 'h1' }] }],
  };
}

/** Speaks `GET /v1/agent/catalog?index=&wait_ms=` like the bubo server: answers when the index differs, else holds. */
async function startCatalogServer(initial: CatalogResponse, port = 0) {
  let current = initial;
  const waiters = new Set<() => void>();
  let requests = 0;
  const server = http.createServer((request, response) => {
    requests++;
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== '/v1/agent/catalog') {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'not_found', message: 'no route' }));
      return;
    }
    const reply = () => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(current));
    if (Number(url.searchParams.get('index') ?? 0) !== current.index) return reply();
    const done = () => {
      waiters.delete(done);
      clearTimeout(timer);
      reply();
    };
    const timer = setTimeout(done, Number(url.searchParams.get('wait_ms') ?? 30_000));
    waiters.add(done);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    port: (server.address() as AddressInfo).port,
    requests: () => requests,
    publish(catalog: CatalogResponse) {
      current = catalog;
      for (const waiter of [...waiters]) waiter();
    },
    async close() {
      for (const waiter of [...waiters]) waiters.delete(waiter);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function lookup(dns: DnsServer, name: string): Promise<string[]> {
  const query = dnsPacket.encode({ type: 'query', id: 1, questions: [{ name, type: 'A', class: 'IN' }] });
  const answer = await sendUdp(dns.address(), query);
  return (dnsPacket.decode(answer!).answers ?? []).flatMap((a) => (a.type === 'A' ? [a.data] : []));
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startDns(): Promise<DnsServer> {
  const dns = new DnsServer({ listen: { address: '127.0.0.1', port: 0 }, upstreams: [] });
  await dns.start();
  cleanups.push(() => dns.stop());
  return dns;
}

describe('followCatalog', () => {
  it('delivers the first catalog and every change, and keeps the last one while the server is away', async () => {
    const api = await startCatalogServer(catalogAt(1, '10.88.1.2'));
    cleanups.push(() => api.close());
    const dns = await startDns();
    const seen: number[] = [];
    const logs: string[] = [];
    const abort = new AbortController();
    const following = followCatalog(
      new ApiClient({ baseUrl: api.url }),
      (catalog) => {
        seen.push(catalog.index);
        dns.update(catalog);
      },
      abort.signal,
      { waitMs: 5_000, backoffMs: [20, 50], log: (line) => logs.push(line) },
    );
    cleanups.push(() => abort.abort());

    await vi.waitFor(() => expect(seen).toEqual([1]));
    expect(await lookup(dns, 'shop.default.bubo.internal')).toEqual(['10.88.1.2']);

    api.publish(catalogAt(2, '10.88.2.2'));
    await vi.waitFor(() => expect(seen).toEqual([1, 2]));
    expect(await lookup(dns, 'shop.default.bubo.internal')).toEqual(['10.88.2.2']);

    await api.close();
    await vi.waitFor(() => expect(logs.filter((l) => l.includes('keeping the last catalog')).length).toBeGreaterThanOrEqual(2));
    expect(seen).toEqual([1, 2]);
    expect(await lookup(dns, 'shop.default.bubo.internal')).toEqual(['10.88.2.2']);

    const back = await startCatalogServer(catalogAt(3, '10.88.3.3'), api.port);
    cleanups.push(() => back.close());
    await vi.waitFor(() => expect(seen).toEqual([1, 2, 3]));
    expect(await lookup(dns, 'shop.default.bubo.internal')).toEqual(['10.88.3.3']);
    expect(logs.some((l) => l.includes('server answers again'))).toBe(true);

    abort.abort();
    await expect(following).resolves.toBeUndefined();
  });

  it('does not deliver the same index twice when a long-poll ends without a change', async () => {
    const api = await startCatalogServer(catalogAt(1, '10.88.1.2'));
    cleanups.push(() => api.close());
    const seen: number[] = [];
    const abort = new AbortController();
    cleanups.push(() => abort.abort());
    void followCatalog(new ApiClient({ baseUrl: api.url }), (c) => seen.push(c.index), abort.signal, { waitMs: 20 });
    await vi.waitFor(() => expect(api.requests()).toBeGreaterThanOrEqual(5));
    expect(seen).toEqual([1]);
  });

  it('keeps following when onCatalog throws, and says so in the log', async () => {
    const api = await startCatalogServer(catalogAt(1, '10.88.1.2'));
    cleanups.push(() => api.close());
    const seen: number[] = [];
    const logs: string[] = [];
    const abort = new AbortController();
    cleanups.push(() => abort.abort());
    void followCatalog(
      new ApiClient({ baseUrl: api.url }),
      (c) => {
        seen.push(c.index);
        if (c.index === 1) throw new Error('boom');
      },
      abort.signal,
      { waitMs: 5_000, log: (line) => logs.push(line) },
    );
    await vi.waitFor(() => expect(seen).toEqual([1]));
    api.publish(catalogAt(2, '10.88.2.2'));
    await vi.waitFor(() => expect(seen).toEqual([1, 2]));
    expect(logs).toContain('catalog: cannot apply catalog 1: boom');
  });

  it('saves the last catalog to a file and answers from it after a restart without a server', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bubo-dns-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const stateFile = join(dir, 'state', 'catalog.json');

    const api = await startCatalogServer(catalogAt(4, '10.88.4.4'));
    const first = new AbortController();
    const firstRun = followCatalog(new ApiClient({ baseUrl: api.url }), () => {}, first.signal, { waitMs: 5_000, stateFile });
    // Saved as parsed: an older server's answer gets the empty namespace map and host-list index 0.
    await vi.waitFor(async () => expect(JSON.parse(await readFile(stateFile, 'utf8'))).toEqual({ ...catalogAt(4, '10.88.4.4'), namespaces: {}, peers_index: 0 }));
    first.abort();
    await firstRun;
    await api.close();
    expect(existsSync(`${stateFile}.tmp-${process.pid}`)).toBe(false);

    const dns = await startDns();
    const abort = new AbortController();
    cleanups.push(() => abort.abort());
    const unreachable = new ApiClient({ baseUrl: `http://127.0.0.1:${await deadPort()}` });
    void followCatalog(unreachable, (c) => dns.update(c), abort.signal, { waitMs: 5_000, backoffMs: [20], stateFile });
    await vi.waitFor(async () => expect(await lookup(dns, 'shop.default.bubo.internal')).toEqual(['10.88.4.4']));
  });

  it('ignores a damaged state file and waits for the server', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bubo-dns-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const stateFile = join(dir, 'catalog.json');
    await writeFile(stateFile, '{"index": "not a number"');
    const api = await startCatalogServer(catalogAt(5, '10.88.5.5'));
    cleanups.push(() => api.close());
    const seen: number[] = [];
    const abort = new AbortController();
    cleanups.push(() => abort.abort());
    void followCatalog(new ApiClient({ baseUrl: api.url }), (c) => seen.push(c.index), abort.signal, { waitMs: 5_000, stateFile });
    await vi.waitFor(() => expect(seen).toEqual([5]));
  });
});
