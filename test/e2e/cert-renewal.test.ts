import { X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { connect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api-client.js';
import { tlsFetch } from '../../src/client/tls-fetch.js';
import { AgentProcess } from '../support/agent-process.js';
import { cleanupAgentState } from '../support/cleanup-agent-state.js';
import { JoinableServer } from '../support/joinable-server.js';
import { runBubo } from '../support/run-bubo.js';
import { freePort, waitFor } from '../support/server-process.js';

const isRoot = process.getuid?.() === 0;

interface StoredCredential {
  cert: string;
  key: string;
  ca: string;
  serial: string;
  notBefore: number;
  notAfter: number;
}

/** Serials compared as numbers: the CA writes lowercase hex, Node prints uppercase. */
const serialOf = (hex: string) => BigInt(`0x${hex}`).toString(16);

/**
 * `bubo server --host-cert-ttl 6s` and a real `bubo agent` that joined it: the agent renews its
 * certificate before it expires, over mTLS, without a restart (the server sees the new one, the
 * agent's own listener serves it, heartbeats go on past the first certificate's end); the expired
 * certificate is refused; a removed host cannot renew.
 */
describe.skipIf(!isRoot)('host certificates are renewed before they expire', () => {
  let dir: string;
  let cluster: JoinableServer;
  let agent: AgentProcess | undefined;
  let agentPort: number;
  const bridge = `ncr${process.pid % 100000}`;
  const agentDir = () => join(dir, 'agent');
  const pki = () => join(agentDir(), 'pki');
  async function onDisk(): Promise<StoredCredential> {
    const [cert, key, ca] = await Promise.all(['host.crt', 'host.key', 'ca.crt'].map((f) => readFile(join(pki(), f), 'utf8')));
    const x = new X509Certificate(cert!);
    return { cert: cert!, key: key!, ca: ca!, serial: serialOf(x.serialNumber), notBefore: Date.parse(x.validFrom), notAfter: Date.parse(x.validTo) };
  }
  /** The serial of the certificate the agent's own listener presents now. */
  function listenerSerial(client: StoredCredential): Promise<string> {
    return new Promise((resolve, reject) => {
      // The listener asks for a certificate of the CA; any will do for the handshake.
      const socket = connect({ host: '127.0.0.1', port: agentPort, ca: client.ca, cert: client.cert, key: client.key, checkServerIdentity: () => undefined }, () => {
        resolve(serialOf(socket.getPeerCertificate().serialNumber));
        socket.end();
      });
      socket.once('error', reject);
    });
  }
  const hostClient = (credential: StoredCredential) =>
    new ApiClient({ baseUrl: cluster.tlsUrl, fetch: tlsFetch({ ca: credential.ca, cert: credential.cert, key: credential.key }) });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-cert-renewal-e2e-'));
    // --host-ttl 4s: heartbeats every second, so "keeps heartbeating" is seen within the test.
    cluster = new JoinableServer(dir, ['--cluster-cidr', '10.218.0.0/16', '--host-cert-ttl', '6s', '--host-ttl', '4s']);
    await cluster.start();
    agentPort = await freePort();
  }, 60_000);

  afterAll(async () => {
    await agent?.signal('SIGTERM');
    await cluster?.stop();
    await cleanupAgentState(agentDir(), bridge);
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('bubo server refuses a --host-cert-ttl too short or malformed, naming the flag', async () => {
    const [short, malformed] = await Promise.all(
      ['2s', '6'].map((ttl) => runBubo(['server', '--state-dir', join(dir, 'refused'), '--listen', '127.0.0.1:0', '--host-cert-ttl', ttl])),
    );
    expect(short).toMatchObject({ code: 2, stderr: 'bubo: --host-cert-ttl "2s" must be at least 5s (agents renew with a third of it left, which must leave time for retries)\n' });
    expect(malformed).toMatchObject({ code: 2, stderr: 'bubo: --host-cert-ttl "6": duration "6" has no unit; write "6s"\n' });
  });

  it('renews over mTLS, swaps the new certificate in without a restart, and the expired one is refused', async () => {
    const created = await cluster.cli('host', 'join-token', 'create', '--group', 'web');
    agent = new AgentProcess([...cluster.joinArgs(created), ...cluster.localAgentArgs({ stateDir: agentDir(), name: 'cr1', bridge, agentListen: `127.0.0.1:${agentPort}` })], {});
    await agent.start();
    const pid = agent.child!.pid;
    // The first certificate, or already its successor: either is kept to be used after it expired.
    const saved = await onDisk();
    // 6 s, and a tenth of that back for clock skew, in whole seconds.
    expect(saved.notAfter - saved.notBefore).toBeGreaterThanOrEqual(6_000);
    expect(saved.notAfter - saved.notBefore).toBeLessThanOrEqual(7_000);

    // A new certificate on disk, stored whole, before the saved one ran out.
    const renewed = await waitFor('a renewed certificate on disk', async () => {
      const now = await onDisk().catch(() => undefined);
      return now && now.serial !== saved.serial ? now : undefined;
    }, 10_000);
    expect(Date.now()).toBeLessThan(saved.notAfter);
    expect(renewed.notAfter).toBeGreaterThan(saved.notAfter);
    expect((await stat(join(pki(), 'host.key'))).mode & 0o777).toBe(0o600);
    expect((await readdir(pki())).sort()).toEqual(['ca.crt', 'host.crt', 'host.key', 'identity.json']);
    expect(agent.output).toMatch(/certificate renewed, valid until /);

    // The server recorded it, and the agent's own listener presents the new certificate.
    const events = await cluster.admin.call('listEvents', { query: { host: 'cr1' } });
    const renewals = events.events.filter((e) => e.kind === 'host.cert_renewed').map((e) => e.message);
    expect(renewals).toContainEqual(expect.stringMatching(new RegExp(`serial 0*${renewed.serial}, valid until ${new Date(renewed.notAfter).toISOString()}`)));
    await waitFor('the agent listener to present the certificate on disk', async () => {
      const current = await onDisk();
      return (await listenerSerial(current)) === current.serial;
    }, 5_000);
    expect(await listenerSerial(await onDisk())).not.toBe(saved.serial);

    // Past the saved certificate's end: the same agent process goes on heartbeating on its successors.
    await new Promise((r) => setTimeout(r, Math.max(0, saved.notAfter + 1_500 - Date.now())));
    await waitFor('a heartbeat after the saved certificate expired', async () => {
      const host = (await cluster.admin.call('listHosts')).hosts.find((h) => h.name === 'cr1');
      return host?.status === 'ready' && Date.parse(host.last_heartbeat_at) > saved.notAfter;
    }, 5_000);
    expect(agent.child!.pid).toBe(pid);
    expect(agent.child!.exitCode).toBeNull();
    expect(agent.output).not.toMatch(/renewal failed/);
    expect(agent.output).not.toMatch(/joined as host cr1 .*joined as host cr1/s);

    // The saved certificate, used after it expired, is refused by the server.
    const own = (await cluster.admin.call('listHosts')).hosts.find((h) => h.name === 'cr1')!;
    await expect(hostClient(saved).call('agentHeartbeat', { body: { host_id: own.id } })).rejects.toMatchObject({
      status: 401,
      message: expect.stringMatching(/client certificate was refused \(CERT_HAS_EXPIRED: it has expired\)/),
    });
  }, 40_000);

  it('a removed host\'s renewal is refused, and the agent says so each time', async () => {
    await cluster.cli('host', 'remove', 'cr1', '--force');
    const current = await onDisk();
    await expect(hostClient(current).call('agentRenew', { body: { csr: 'unused' } })).rejects.toMatchObject({ status: 401, message: expect.stringMatching(/belongs to no host/) });
    await waitFor('the agent to log refused renewals', async () => (agent!.output.match(/certificate renewal failed \(retrying in [\d.]+s; .*belongs to no host/g)?.length ?? 0) >= 2, 10_000);
    expect((await onDisk()).serial).toBe(current.serial);
  }, 20_000);
});
