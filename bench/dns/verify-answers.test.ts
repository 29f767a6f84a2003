import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DnsServer } from '../../src/dns/dns-server.js';
import { hasDig } from '../../test/support/test-dns-client.js';
import { benchQueries } from './bench-queries.js';
import { dnsmasqArgv, dnsmasqConfig } from './dnsmasq-config.js';
import { freeUdpTcpPort } from './free-port.js';
import { startServerProcess } from './server-process.js';
import { syntheticCatalog } from './synthetic-catalog.js';
import { verifyAnswers } from './verify-answers.js';

const withDig = await hasDig();
const withDnsmasq = await access('/usr/sbin/dnsmasq').then(
  () => true,
  () => false,
);
/** Each case runs dig once per query (47 processes): 5 s is too short on a busy 2-core machine. */
const DIG_TIMEOUT_MS = 60_000;
const catalog = syntheticCatalog({ apps: 10, instancesPerApp: 3 });
const queries = benchQueries(catalog, { zone: 'bubo.internal', ttl: 5 });

async function withBubo<T>(served: typeof catalog, fn: (port: number) => Promise<T>): Promise<T> {
  const server = new DnsServer({ listen: { address: '127.0.0.1', port: 0 }, upstreams: [] });
  server.update(served);
  await server.start();
  try {
    return await fn(server.address().port);
  } finally {
    await server.stop();
  }
}

describe.skipIf(!withDig)('verifyAnswers', () => {
  it('finds bubo giving every bench query the answer the catalog implies', async () => {
    const mismatches = await withBubo(catalog, (port) => verifyAnswers([{ label: 'bubo', address: { address: '127.0.0.1', port } }], queries));
    expect(mismatches).toEqual([]);
  }, DIG_TIMEOUT_MS);

  it('reports a server whose records differ from the expected ones', async () => {
    const moved = structuredClone(catalog);
    moved.services[3]!.instances[0]!.address = '10.99.0.1';
    const sample = queries.filter((q) => /(^|\.)app-3[.-]/.test(q.name));
    const mismatches = await withBubo(moved, (port) => verifyAnswers([{ label: 'bubo', address: { address: '127.0.0.1', port } }], sample));
    // The app name is asked twice in the mix; SRV answers keep their targets, only the additionals move.
    expect(mismatches.map((m) => `${m.query}: ${m.problem.split(' [')[0]}`).sort()).toEqual([
      '_http._tcp.app-3.default.bubo.internal SRV: additional',
      '_metrics._tcp.app-3.default.bubo.internal SRV: additional',
      `${catalog.services[3]!.instances[0]!.id}.bubo.internal A: answer`,
      'app-3.default.bubo.internal A: answer',
      'app-3.default.bubo.internal A: answer',
    ]);
    for (const m of mismatches) expect(m.problem).toContain('10.99.0.1');
  }, DIG_TIMEOUT_MS);

  it.skipIf(!withDnsmasq)('finds dnsmasq, given dnsmasqConfig, answering the same', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bubo-bench-dns-test-'));
    try {
      const confFile = join(dir, 'dnsmasq.conf');
      await writeFile(confFile, dnsmasqConfig(catalog, 'bubo.internal'));
      const port = await freeUdpTcpPort();
      const argv = dnsmasqArgv({ confFile, pidFile: join(dir, 'pid'), port, zone: 'bubo.internal', ttl: 5 });
      const dnsmasq = await startServerProcess(argv, { ready: /dnsmasq: started/ });
      try {
        expect(await verifyAnswers([{ label: 'dnsmasq', address: { address: '127.0.0.1', port } }], queries)).toEqual([]);
      } finally {
        await dnsmasq.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, DIG_TIMEOUT_MS);
});
