import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeUdpTcpPort } from '../../bench/dns/free-port.js';
import type { CatalogResponse } from '../../src/api/catalog.js';
import { saveCatalogFile } from '../../src/dns/catalog-file.js';
import { DnsProcess } from '../../src/dns/dns-process.js';
import { findDnsProcesses } from '../../src/dns/dns-process-facts.js';
import { readDnsProcessRecord, writeDnsProcessRecord } from '../../src/dns/dns-process-record.js';
import { dig, hasDig } from '../support/test-dns-client.js';
import { isProcessAlive } from '../../src/exec/process-stat.js';

const withDig = await hasDig();

const catalog = (index: number, address: string): CatalogResponse => ({
  index,
  services: [{ app: 'shop', namespace: 'default', ports: [], instances: [{ id: `shop-${index}`, address, host: 'h1' }] }],
});

/**
 * Real `bubo dns serve` processes (bin/bubo.js of this build) on 127.0.0.1, driven as agents
 * drive them: each `DnsProcess` below is a new agent over the same state directory. Needs no root.
 */
describe.skipIf(!withDig)('the DNS process an agent starts, adopts, replaces and stops', () => {
  let dir: string;
  let stateDir: string;
  let resolvConf: string;
  let listen: string;
  let at: { address: string; port: number };
  const agent = (version = '0.1.0') => new DnsProcess({ stateDir, version, resolvConfPath: resolvConf, readyTimeoutMs: 30_000 });
  const answer = async () => (await dig(at, ['shop.default.bubo.internal', 'A'])).answer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-dns-process-'));
    stateDir = join(dir, 'agent');
    resolvConf = join(dir, 'resolv.conf');
    await writeFile(resolvConf, 'nameserver 192.0.2.1\n');
    at = { address: '127.0.0.1', port: await freeUdpTcpPort() };
    listen = `127.0.0.1:${at.port}`;
    await saveCatalogFile(join(stateDir, 'catalog.json'), catalog(1, '10.88.1.2'));
  });

  afterAll(async () => {
    for (const pid of await findDnsProcesses(stateDir)) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('starts a detached process that answers from the saved catalog and records itself', async () => {
    const first = await agent().ensure(listen);
    expect(first).toEqual({ pid: expect.any(Number), outcome: 'started', reason: 'no DNS process recorded' });
    expect(await answer()).toEqual(['shop.default.bubo.internal. 5 IN A 10.88.1.2']);
    expect(await readDnsProcessRecord(join(stateDir, 'dns', 'dns.json'))).toEqual({
      pid: first.pid,
      version: '0.1.0',
      listen,
      upstreams: ['192.0.2.1:53'],
      started_at: expect.any(String),
    });
  });

  it('is adopted by the next agent (same pid, no second process), which feeds it through the catalog file', async () => {
    const [running] = await findDnsProcesses(stateDir);
    const next = await agent().ensure(listen);
    expect(next).toMatchObject({ pid: running, outcome: 'adopted' });
    expect(await findDnsProcesses(stateDir)).toEqual([running]);
    await saveCatalogFile(join(stateDir, 'catalog.json'), catalog(2, '10.88.1.3'));
    await expect.poll(answer, { timeout: 10_000 }).toEqual(['shop.default.bubo.internal. 5 IN A 10.88.1.3']);
  });

  it('is replaced when it runs another bubo version: a new pid on the same address, the old one gone', async () => {
    const recordFile = join(stateDir, 'dns', 'dns.json');
    const old = (await readDnsProcessRecord(recordFile))!;
    await writeDnsProcessRecord(recordFile, { ...old, version: '0.0.9' }); // as an older bubo would have written it
    const next = await agent().ensure(listen);
    expect(next).toMatchObject({ outcome: 'replaced', reason: `DNS process ${old.pid} runs bubo 0.0.9, this agent is 0.1.0` });
    expect(next.pid).not.toBe(old.pid);
    expect(await isProcessAlive(old.pid)).toBe(false);
    expect(await findDnsProcesses(stateDir)).toEqual([next.pid]);
    expect(await answer()).toEqual(['shop.default.bubo.internal. 5 IN A 10.88.1.3']);
    expect(await readFile(join(stateDir, 'dns', 'dns.log'), 'utf8')).toContain(`took ${listen} over from DNS process ${old.pid}`);
  });

  it('starts a new one when the recorded pid is another program now, and leaves that program alone', async () => {
    const dns = agent();
    await dns.stop();
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      await writeDnsProcessRecord(join(stateDir, 'dns', 'dns.json'), { pid: other.pid!, version: '0.1.0', listen, upstreams: ['192.0.2.1:53'], started_at: '' });
      const next = await dns.ensure(listen);
      expect(next).toMatchObject({ outcome: 'started', reason: `the recorded pid ${other.pid} is another program now (left alone)` });
      expect(await isProcessAlive(other.pid!)).toBe(true);
      expect(await answer()).toEqual(['shop.default.bubo.internal. 5 IN A 10.88.1.3']);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('starts it again from the idle tick after it was killed', async () => {
    const dns = agent();
    const { pid } = await dns.ensure(listen);
    process.kill(pid, 'SIGKILL');
    await expect.poll(() => isProcessAlive(pid)).toBe(false);
    await dns.keepAlive();
    expect(dns.pid).not.toBe(pid);
    expect(await findDnsProcesses(stateDir)).toEqual([dns.pid]);
    expect(await answer()).toEqual(['shop.default.bubo.internal. 5 IN A 10.88.1.3']);
  });

  it('stops it on drain and removes its record', async () => {
    const dns = agent();
    const { pid } = await dns.ensure(listen);
    await dns.stop();
    expect(await isProcessAlive(pid)).toBe(false);
    expect(await findDnsProcesses(stateDir)).toEqual([]);
    expect(await readDnsProcessRecord(join(stateDir, 'dns', 'dns.json'))).toBeNull();
  });

  it('says why it cannot start when another program holds the address', async () => {
    const { DnsServer } = await import('../../src/dns/dns-server.js');
    const squatter = new DnsServer({ listen: at, upstreams: [] });
    await squatter.start();
    try {
      await expect(agent().ensure(listen)).rejects.toThrow(new RegExp(`Cannot start the DNS process on ${listen}: it exited \\(exit code 1\\): .*EADDRINUSE`));
      expect(await findDnsProcesses(stateDir)).toEqual([]);
    } finally {
      await squatter.stop();
    }
  });
}, 120_000);
