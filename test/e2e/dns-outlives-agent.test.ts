import { execFile } from 'node:child_process';
import http from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api-client.js';
import { findDnsProcesses } from '../../src/dns/dns-process-facts.js';
import { readDnsProcessRecord } from '../../src/dns/dns-process-record.js';
import { isProcessAlive } from '../../src/exec/process-stat.js';
import { AgentProcess } from '../support/agent-process.js';
import { cleanupAgentState } from '../support/cleanup-agent-state.js';
import { type Registry, startRegistry } from '../support/registry.js';
import { freePort, ServerProcess, waitFor } from '../support/server-process.js';
import { pushTestImages } from '../support/test-images.js';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
const HOST = 'demo.dns-e2e.test';

/**
 * Issue 10 item 2: the demo (a web page that counts its views in Redis, reached by name) behind
 * the load balancer, with real runc, NGINX, registry, server and `bubo agent`. SIGKILL of the
 * agent must not take name resolution away from the instances: DNS runs in a process of its own,
 * which the restarted agent adopts (same pid, never a second one) and keeps feeding.
 */
describe.skipIf(!isRoot)('names keep resolving while the agent is down', () => {
  let dir: string;
  let registry: Registry;
  let server: ServerProcess;
  let agent: AgentProcess;
  let client: ApiClient;
  let images: Awaited<ReturnType<typeof pushTestImages>>;
  let lbPort: number;
  let agentArgs: string[];
  let token: string;
  const bridge = `bd${process.pid % 100000}`;
  const agentDir = () => join(dir, 'agent');
  const recordFile = () => join(agentDir(), 'dns', 'dns.json');

  const running = async (app: string) =>
    (await client.call('getApp', { params: { namespace: 'default', app } })).instances.filter((i) => i.state === 'running' && i.desired === 'run');
  /** `nslookup NAME` inside the web instance's container, against the resolver bubo wrote there. */
  const lookupInsideWeb = async (name: string): Promise<string> => {
    const [web] = await running('web');
    return (await run('runc', ['exec', `${web!.id}-web`, '/bin/busybox', 'nslookup', name]).catch((e: { stdout?: string; stderr?: string }) => ({ stdout: `${e.stdout ?? ''}${e.stderr ?? ''}` }))).stdout;
  };
  /** One request for the demo page through the load balancer (node:http: fetch cannot set Host). */
  const page = (): Promise<string> =>
    new Promise((resolve) => {
      const req = http.get(`http://127.0.0.1:${lbPort}/`, { headers: { host: HOST, connection: 'close' }, timeout: 5_000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve(`HTTP ${res.statusCode} ${body}`));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => resolve(`error ${e.message}`));
    });
  const eventLines = async () =>
    (await client.call('listEvents', { query: {} })).events
      .slice(-30)
      .map((e) => `${e.at} ${e.kind} ${e.message}`)
      .join('\n');
  const views = (text: string) => Number(/viewed (\d+) times/.exec(text)?.[1] ?? Number.NaN);

  const task = (app: string, body: string) => `app = "${app}"\ngroup = "dnsx"\ncount = 1\nruntime = "container"\n\n[resources]\ncpus = 0.25\nmemory = "64MiB"\ndisk = "64MiB"\n\n${body}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-dns-outlives-'));
    registry = await startRegistry();
    images = await pushTestImages(registry);
    server = new ServerProcess(join(dir, 'server'), await freePort(), ['--cluster-cidr', '10.226.0.0/16']);
    await server.start();
    token = (await readFile(join(dir, 'server', 'admin.token'), 'utf8')).trim();
    client = new ApiClient({ baseUrl: server.url, token });
    lbPort = await freePort();
    agentArgs = ['--server', server.url, '--group', 'dnsx', '--name', 'bd1', '--state-dir', agentDir(), '--bridge', bridge, '--address', '127.0.0.1', '--runtime', 'runc', '--role', 'lb', '--lb-listen', '127.0.0.1', '--lb-port', `80=${lbPort}`, '--agent-listen', '127.0.0.1:0'];
    agent = new AgentProcess(agentArgs, { BUBO_TOKEN: token });
    await agent.start();
  }, 180_000);

  afterAll(async () => {
    await agent?.signal('SIGTERM');
    await server?.stop();
    await registry?.stop();
    if (dir) {
      await run('/usr/sbin/nginx', ['-p', join(agentDir(), 'lb'), '-c', join(agentDir(), 'lb', 'nginx.conf'), '-s', 'quit']).catch(() => {});
      await cleanupAgentState(agentDir(), bridge);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serves the demo page through the load balancer, counting in Redis reached by name', async () => {
    await client.call('deploy', { body: { task: task('redis', `[[containers]]\nname = "redis"\nimage = "${images.redis}"\n\n[[ports]]\nname = "redis"\nport = 6379\nprotocol = "tcp"\n\n[check]\ntcp = { port = "redis" }\ninterval = "2s"\ntimeout = "1s"\n`) } });
    await client.call('deploy', {
      body: {
        task: task(
          'web',
          `[[containers]]\nname = "web"\nimage = "${images.demoWeb}"\nenv = { REDIS_HOST = "redis.default.bubo.internal", REDIS_PORT = "6379" }\n\n[[ports]]\nname = "http"\nport = 80\npublic = { host = "${HOST}" }\n\n[check]\nhttp = { port = "http", path = "/healthz", expect = "ok" }\ninterval = "2s"\ntimeout = "1s"\n`,
        ),
      },
    });
    let last = '';
    const first = await waitFor('the page to count a view', async () => {
      last = await page();
      return Number.isFinite(views(last)) && last;
    }, 120_000).catch((error) => {
      throw new Error(`${(error as Error).message}; last answer: ${last}; agent: ${agent.output.slice(-2000)}`);
    });
    expect(first).toMatch(/^HTTP 200 /);
  });

  it('keeps resolving names inside the instances and serving the page after a SIGKILL of the agent', async () => {
    const dns = (await readDnsProcessRecord(recordFile()))!;
    expect(dns.listen).toBe('10.226.1.1:53');
    const [redis] = await running('redis');
    // Serving before the kill, or the test would say nothing about the kill (and the events say why not).
    let last = '';
    const before = await waitFor('the page to serve before the kill', async () => {
      last = await page();
      return /^HTTP 200 /.test(last) && views(last);
    }, 30_000).catch(async (error) => {
      throw new Error(`${(error as Error).message}; last answer: ${last}; events: ${await eventLines()}`);
    });

    await agent.signal('SIGKILL');
    expect(await isProcessAlive(dns.pid)).toBe(true);
    const answer = await lookupInsideWeb('redis.default.bubo.internal');
    expect(answer).toContain(redis!.address!);
    expect(answer).toContain('10.226.1.1'); // answered by the DNS process on the bridge
    // Each view resolves Redis's name afresh (nc in the page's CGI): three in a row, all counted.
    const after = [await page(), await page(), await page()];
    if (!after.every((text) => /^HTTP 200 /.test(text))) throw new Error(`after the kill the page answered ${JSON.stringify(after)}; events: ${await eventLines()}`);
    expect(after.map(views)).toEqual([before + 1, before + 2, before + 3]);
  });

  it('is adopted by the restarted agent: the same process, no second one, fed every later catalog change', async () => {
    const dns = (await readDnsProcessRecord(recordFile()))!;
    await agent.start();
    expect(agent.output).toContain(`DNS: adopted DNS process ${dns.pid}`);
    expect(await findDnsProcesses(agentDir())).toEqual([dns.pid]);

    await client.call('deploy', { body: { task: task('extra', `[[containers]]\nname = "web"\nimage = "${images.httpdV1}"\n\n[[ports]]\nname = "http"\nport = 80\n`) } });
    const [extra] = await waitFor('extra to run', async () => ((await running('extra')).length === 1 ? running('extra') : false), 60_000);
    let last = '';
    await waitFor('extra.default.bubo.internal to resolve inside the web instance', async () => {
      last = await lookupInsideWeb('extra.default.bubo.internal');
      return last.includes(extra!.address!);
    }, 20_000).catch(async (error) => {
      const log = await readFile(join(agentDir(), 'dns', 'dns.log'), 'utf8').catch(() => '');
      throw new Error(`${(error as Error).message}; last answer: ${last}; dns log: ${log.slice(-2000)}`);
    });
    expect(await findDnsProcesses(agentDir())).toEqual([dns.pid]);
    expect((await readDnsProcessRecord(recordFile()))?.pid).toBe(dns.pid);
  });

  it('outlives an agent stopped with SIGTERM, and goes with the instances under --drain-on-exit', async () => {
    const dns = (await readDnsProcessRecord(recordFile()))!;
    await agent.signal('SIGTERM');
    expect(await findDnsProcesses(agentDir())).toEqual([dns.pid]);

    agent = new AgentProcess([...agentArgs, '--drain-on-exit'], { BUBO_TOKEN: token });
    await agent.start();
    expect(agent.output).toContain(`DNS: adopted DNS process ${dns.pid}`);
    await agent.signal('SIGTERM');
    expect(await isProcessAlive(dns.pid)).toBe(false);
    expect(await findDnsProcesses(agentDir())).toEqual([]);
    expect(await readDnsProcessRecord(recordFile())).toBeNull();
  });
});
