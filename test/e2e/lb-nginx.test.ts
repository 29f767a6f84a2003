import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../../src/api/catalog.js';
import { type LbEventKind, NginxLoadBalancer } from '../../src/lb/nginx-load-balancer.js';
import { isProcessAlive } from '../../src/exec/process-stat.js';
import { listNginxWorkers } from '../../src/lb/nginx-processes.js';
import { freePort } from '../support/server-process.js';

/**
 * Real nginx in front of real loopback HTTP backends. The backends share one port on different
 * loopback addresses (127.0.0.2, .3, .4), as instances share their container port on different
 * instance addresses. The load balancer listens on 127.0.0.1 with public ports 80 and 443 mapped
 * to free high ports. Requests use `Connection: close` (PLATFORM §5: keep-alive client
 * connections closed by a reload surface as socket errors, not HTTP errors).
 */
const NGINX = '/usr/sbin/nginx';
const hasNginx = existsSync(NGINX);
const hasOpenssl = existsSync('/usr/bin/openssl');
const run = promisify(execFile);

interface Reply {
  status: number;
  body: string;
}

function get(port: number, host: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/', headers: { host, connection: 'close' }, agent: false, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

function getTls(port: number, host: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, path: '/', servername: host, headers: { host, connection: 'close' }, agent: false, rejectUnauthorized: false, timeout: 5_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function names(port: number, host: string, count: number): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const reply = await get(port, host);
    expect(reply.status).toBe(200);
    seen.add(reply.body);
  }
  return seen;
}

function startBackend(name: string, address: string, port: number): Promise<Server> {
  const server = createServer((_, res) => res.end(name));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => resolve(server));
  });
}

/** Every process whose title names this state directory (masters say `-c <stateDir>/nginx.conf`). */
async function processesUsing(stateDir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(stateDir) && (await isProcessAlive(Number(entry)))) pids.push(Number(entry));
  }
  return pids;
}

describe.skipIf(!hasNginx)('NginxLoadBalancer with real nginx (skipped when /usr/sbin/nginx is missing)', () => {
  let dir: string;
  let stateDir: string;
  let backendPort: number;
  let httpPort: number;
  let tlsPort: number;
  let lb: NginxLoadBalancer;
  const backends: Server[] = [];
  const events: { kind: LbEventKind; message: string }[] = [];
  const extraPids: number[] = [];

  const instance = (name: string, address: string) => ({ id: `shop-${name}`, address, host: 'h1' });
  const a = instance('a', '127.0.0.2');
  const b = instance('b', '127.0.0.3');
  const c = instance('c', '127.0.0.4');
  const shop = (instances: CatalogEntry['instances'], extraPorts: CatalogEntry['ports'] = []): CatalogEntry => ({
    app: 'shop',
    namespace: 'default',
    ports: [{ name: 'web', port: backendPort, protocol: 'http', public: { host: 'shop.example.com', port: 80, tls: null } }, ...extraPorts],
    instances,
  });
  let index = 0;
  const catalog = (...services: CatalogEntry[]) => ({ index: ++index, services });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-lb-'));
    stateDir = join(dir, 'lb state');
    backendPort = await freePort();
    httpPort = await freePort();
    tlsPort = await freePort();
    backends.push(await startBackend('a', a.address, backendPort));
    backends.push(await startBackend('b', b.address, backendPort));
    backends.push(await startBackend('c', c.address, backendPort));
    lb = new NginxLoadBalancer({
      stateDir,
      listenAddress: '127.0.0.1',
      portMap: { 80: httpPort, 443: tlsPort },
      nginxPath: NGINX,
      workers: 2,
      onEvent: (kind, message) => events.push({ kind, message }),
      log: process.env.LB_DEBUG ? (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`) : undefined,
    });
  });

  afterAll(async () => {
    await lb?.stop();
    for (const pid of [...extraPids, ...(stateDir ? await processesUsing(stateDir) : [])]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    for (const server of backends) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('starts a private nginx master with its workers', async () => {
    const { pid, adopted } = await lb.start();
    expect(adopted).toBe(false);
    expect(await isProcessAlive(pid)).toBe(true);
    await expect.poll(async () => (await listNginxWorkers(pid)).length).toBe(2);
    expect(events.map((e) => e.kind)).toEqual(['lb.started']);
  });

  it('routes a published host to every serving instance', async () => {
    const outcome = await lb.apply(catalog(shop([a, b])));
    expect(outcome.status).toBe('reloaded');
    expect(await names(httpPort, 'shop.example.com', 12)).toEqual(new Set(['a', 'b']));
    expect(events.at(-1)?.kind).toBe('lb.reloaded');
  });

  it('tells when a catalog index is in effect, and an unchanged configuration counts', async () => {
    const next = catalog(shop([a, b, c]));
    const waiting = lb.whenServes(next.index, 10_000);
    expect(await lb.whenServes(next.index, 50), 'before the apply').toBe(false);
    expect((await lb.apply(next)).status).toBe('reloaded');
    expect(await waiting).toBe(true);
    expect(await lb.whenServes(next.index - 1, 0), 'an older index').toBe(true);
    const same = catalog(shop([c, b, a]));
    expect((await lb.apply(same)).status).toBe('unchanged');
    expect(await lb.whenServes(same.index, 0)).toBe(true);
    expect((await lb.apply(catalog(shop([a, b])))).status).toBe('reloaded');
  });

  it('does nothing for a catalog that renders the same configuration', async () => {
    const pid = lb.pid!;
    const workers = await listNginxWorkers(pid);
    expect((await lb.apply(catalog(shop([b, a])))).status).toBe('unchanged');
    expect(await listNginxWorkers(pid)).toEqual(workers);
  });

  it('stops sending to an instance as soon as the apply that drops it resolves', async () => {
    expect((await lb.apply(catalog(shop([a])))).status).toBe('reloaded');
    expect(await names(httpPort, 'shop.example.com', 12)).toEqual(new Set(['a']));
  });

  it('answers 503 for an app with no serving instance and 404 for an unknown host', async () => {
    expect((await lb.apply(catalog(shop([])))).status).toBe('reloaded');
    const empty = await get(httpPort, 'shop.example.com');
    expect(empty).toEqual({ status: 503, body: 'bubo: no healthy instance of default/shop\n' });
    const unknown = await get(httpPort, 'nobody.example.com');
    expect(unknown).toEqual({ status: 404, body: 'bubo: no app is published under this host name\n' });
  });

  it.skipIf(!hasOpenssl)('serves TLS with the given certificate (skipped without /usr/bin/openssl)', async () => {
    const cert = join(dir, 'secure.pem');
    const key = join(dir, 'secure-key.pem');
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=secure.example.com', '-keyout', key, '-out', cert]);
    const secure = { name: 'tls', port: backendPort, protocol: 'http' as const, public: { host: 'secure.example.com', port: 443, tls: { cert, key } } };
    expect((await lb.apply(catalog(shop([b], [secure])))).status).toBe('reloaded');
    expect(await getTls(tlsPort, 'secure.example.com')).toEqual({ status: 200, body: 'b' });
    expect(lb.url('secure.example.com', 443)).toBe(`https://secure.example.com:${tlsPort}/`);
    expect(lb.url('shop.example.com', 80)).toBe(`http://shop.example.com:${httpPort}/`);
    // No certificate for other names: the handshake is refused rather than answered with the wrong one.
    await expect(getTls(tlsPort, 'other.example.com')).rejects.toThrow();
  });

  it('keeps serving the previous configuration when nginx rejects a new one', async () => {
    expect((await lb.apply(catalog(shop([a, b])))).status).toBe('reloaded');
    const before = events.length;
    const broken = {
      name: 'tls',
      port: backendPort,
      protocol: 'http' as const,
      public: { host: 'secure.example.com', port: 443, tls: { cert: join(dir, 'missing.pem'), key: join(dir, 'missing-key.pem') } },
    };
    const outcome = await lb.apply(catalog(shop([c], [broken])));
    expect(outcome.status).toBe('rejected');
    expect(outcome.message).toContain('cannot load certificate');
    expect(outcome.message).toContain('missing.pem');
    expect(events.slice(before).map((e) => e.kind)).toEqual(['lb.config_rejected']);
    expect(await names(httpPort, 'shop.example.com', 8)).toEqual(new Set(['a', 'b']));
    expect(await readFile(join(stateDir, 'nginx.conf'), 'utf8')).not.toContain('missing.pem');
  });

  it('rejects a catalog with an unsafe host name without touching nginx', async () => {
    const evil: CatalogEntry = { ...shop([c]), app: 'evil', ports: [{ name: 'web', port: backendPort, protocol: 'http', public: { host: 'x; }', port: 80, tls: null } }] };
    const outcome = await lb.apply(catalog(shop([a, b]), evil));
    expect(outcome).toMatchObject({ status: 'rejected', message: expect.stringContaining('default/evil port web') });
    expect(await lb.whenServes(index, 100), 'a rejected catalog is not in effect').toBe(false);
    expect(await names(httpPort, 'shop.example.com', 6)).toEqual(new Set(['a', 'b']));
  });

  it('reports a reload nginx -t cannot foresee (a taken port) and keeps the old configuration', async () => {
    const takenPort = await freePort();
    const squatter = await startBackend('squatter', '127.0.0.1', takenPort);
    backends.push(squatter);
    const before = events.length;
    const api: CatalogEntry = {
      app: 'api',
      namespace: 'default',
      ports: [{ name: 'web', port: backendPort, protocol: 'http', public: { host: 'api.example.com', port: takenPort, tls: null } }],
      instances: [c],
    };
    const outcome = await lb.apply(catalog(shop([a, b]), api));
    expect(outcome.status).toBe('failed');
    expect(outcome.message).toMatch(/bind\(\) to 127\.0\.0\.1:\d+ failed \(98: Address (already )?in use\)/);
    expect(events.slice(before).map((e) => e.kind)).toEqual(['lb.error']);
    expect(await names(httpPort, 'shop.example.com', 6)).toEqual(new Set(['a', 'b']));
    expect(await readFile(join(stateDir, 'nginx.conf'), 'utf8')).not.toContain('api.example.com');
  });

  it('applies only the newest of catalogs that arrive while one applies', async () => {
    const reloads = () => events.filter((e) => e.kind === 'lb.reloaded').length;
    const before = reloads();
    const outcomes = await Promise.all([
      lb.apply(catalog(shop([a]))),
      lb.apply(catalog(shop([b]))),
      lb.apply(catalog(shop([a, c]))),
      lb.apply(catalog(shop([c]))),
    ]);
    expect(outcomes[0]!.status).toBe('reloaded');
    expect(outcomes.slice(1).map((o) => o.status)).toEqual(['reloaded', 'reloaded', 'reloaded']);
    expect(outcomes[1]).toBe(outcomes[3]);
    expect(reloads() - before).toBe(2);
    expect(await names(httpPort, 'shop.example.com', 6)).toEqual(new Set(['c']));
  });

  it('adopts the running master from a new instance over the same state directory', async () => {
    const again = new NginxLoadBalancer({ stateDir, listenAddress: '127.0.0.1', portMap: { 80: httpPort, 443: tlsPort }, nginxPath: NGINX, workers: 2 });
    const { pid, adopted } = await again.start();
    expect(adopted).toBe(true);
    expect(pid).toBe(lb.pid);
    expect((await again.apply(catalog(shop([c])))).status).toBe('unchanged');
    expect((await again.apply(catalog(shop([b, c])))).status).toBe('reloaded');
    expect(await names(httpPort, 'shop.example.com', 8)).toEqual(new Set(['b', 'c']));
    // A file nginx never loaded (an agent died between rename and reload) is not trusted: the same catalog reloads.
    await appendFile(join(stateDir, 'nginx.conf'), '# written but never loaded\n');
    const third = new NginxLoadBalancer({ stateDir, listenAddress: '127.0.0.1', portMap: { 80: httpPort, 443: tlsPort }, nginxPath: NGINX, workers: 2 });
    expect((await third.start()).adopted).toBe(true);
    expect((await third.apply(catalog(shop([b, c])))).status).toBe('reloaded');
  });

  it('restarts nginx on the next apply when the master died', async () => {
    const old = lb.pid!;
    for (const w of await listNginxWorkers(old)) extraPids.push(w.pid);
    process.kill(old, 'SIGKILL');
    await expect.poll(() => isProcessAlive(old)).toBe(false);
    // Workers of a killed master keep the port until they notice; kill them like a crash would end them.
    for (const pid of extraPids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    await expect.poll(async () => (await Promise.all(extraPids.map(isProcessAlive))).some(Boolean)).toBe(false);
    const outcome = await lb.apply(catalog(shop([a])));
    expect(outcome.status).toBe('started');
    expect(lb.pid).not.toBe(old);
    expect(await names(httpPort, 'shop.example.com', 4)).toEqual(new Set(['a']));
  });

  it('reloads under load without a failed request', async () => {
    const failures: string[] = [];
    let ok = 0;
    let running = true;
    const client = async () => {
      while (running) {
        try {
          const reply = await get(httpPort, 'shop.example.com');
          if (reply.status === 200) ok++;
          else failures.push(`HTTP ${reply.status}: ${reply.body}`);
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    };
    const clients = [client(), client(), client(), client()];
    const sets = [[a, b], [b, c], [a, c], [a, b, c]];
    for (let i = 0; i < 10; i++) {
      const outcome = await lb.apply(catalog(shop(sets[i % sets.length]!)));
      expect(outcome.status).toBe('reloaded');
    }
    running = false;
    await Promise.all(clients);
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(50);
  });

  it('stops nginx and leaves no process behind', async () => {
    const pid = lb.pid!;
    await lb.stop();
    expect(await isProcessAlive(pid)).toBe(false);
    expect(await processesUsing(stateDir)).toEqual([]);
    expect(await listNginxWorkers(pid)).toEqual([]);
    await expect(get(httpPort, 'shop.example.com')).rejects.toThrow(/ECONNREFUSED/);
  });
});
