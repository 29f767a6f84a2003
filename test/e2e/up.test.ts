import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api-client.js';
import { instanceHash } from '../../src/net/instance-hash.js';
import { cleanupAgentState } from '../support/cleanup-agent-state.js';
import { cmdline, processesUnder, qemusUnder } from '../support/host-processes.js';
import { runBubo } from '../support/run-bubo.js';
import { freePort, waitFor } from '../support/server-process.js';
import { UpProcess } from '../support/up-process.js';

const run = promisify(execFile);
const canRun = process.getuid?.() === 0 && existsSync('/usr/bin/qemu-system-x86_64') && existsSync('/dev/net/tun') && existsSync('/usr/sbin/nginx');

const PAGE_HOST = 'demo.localhost';
/** The server's TTL for a silent host in the "comes back after its TTL" case. */
const SHORT_TTL_MS = 3_000;
/** First start: guest kit and demo images may have to be built into ~/.cache/bubo, then two TCG boots. */
const FIRST_START_MS = 540_000;
/** Later starts re-adopt what runs (or boot again, if something was lost). */
const RESTART_MS = 240_000;

interface Page {
  status: number;
  body: string;
  count: number | undefined;
}

/** One page view through the load balancer, by name as a browser sends it; a new connection each time. */
function getPage(port: number): Promise<Page> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host: PAGE_HOST, connection: 'close' }, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        const count = /viewed (\d+) times/.exec(body)?.[1];
        resolve({ status: res.statusCode ?? 0, body, count: count === undefined ? undefined : Number(count) });
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * A silent host only turns "down" once wall-clock time passes its TTL: the passing of time is
 * this scenario's input (issue 10 §3: "started again two minutes later"), not a synchronisation.
 */
function timePasses(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * `bubo up` as the README's first command runs it (`./scripts/up.sh` execs `bin/bubo.js up`),
 * with the real demo task files (examples/demo: web as two QEMU microVMs under TCG, Redis as a
 * runc container), in a fresh directory, on ports, a bridge and an address range of its own so
 * that it collides with no other test and no `bubo up` of the machine's user. One `bubo up` is
 * followed through its life: it serves and counts; SIGKILL of its whole process group leaves
 * the demo serving; a restart re-adopts the same instances and processes; a restart after the
 * host's TTL does too; Ctrl-C leaves nothing behind.
 */
describe.skipIf(!canRun)('bubo up with the demo', () => {
  let dir: string;
  let stateDir: string;
  let ports: { listen: number; lb: number; registry: number };
  let up: UpProcess;
  let client: ApiClient;
  const bridge = `bu${process.pid % 100000}`;
  const clusterCidr = '10.223.0.0/16';
  /** What the first start ran, for the later cases to compare with. */
  const seen = { ids: [] as string[], qemu: new Map<string, number>(), runc: new Map<string, number>(), lastCount: 0, gateway: '' };

  const upArgs = (extra: string[] = []) => [
    '--dir', stateDir,
    '--listen', `127.0.0.1:${ports.listen}`,
    '--lb', `127.0.0.1:${ports.lb}`,
    '--registry', `127.0.0.1:${ports.registry}`,
    '--bridge', bridge,
    '--agent-listen', '127.0.0.1:0',
    '--cluster-cidr', clusterCidr,
    ...extra,
  ];
  const startUp = async (timeoutMs: number, extra: string[] = []) => {
    up = new UpProcess(dir, upArgs(extra));
    await up.start(PAGE_HOST, timeoutMs);
    const token = (await readFile(join(stateDir, 'server', 'admin.token'), 'utf8')).trim();
    client = new ApiClient({ baseUrl: `http://127.0.0.1:${ports.listen}`, token });
  };
  const context = () => `\nbubo up output:\n${up?.output.slice(-4000)}`;

  /** Every instance of the demo apps the server knows, whatever its state. */
  const instances = async () => {
    const all = [];
    for (const app of ['web', 'redis']) all.push(...(await client.call('getApp', { params: { namespace: 'default', app } })).instances.map((i) => ({ ...i, app })));
    return all;
  };
  const qemuPid = async (id: string) => Number((await readFile(join(stateDir, 'agent', 'qemu', 'instances', id, 'qemu.pid'), 'utf8')).trim());
  /** runc containers of this `bubo up`: name → pid of the container's process. */
  const runcContainers = async () => {
    const list = JSON.parse((await run('runc', ['list', '--format', 'json'])).stdout || 'null') as { id: string; pid: number; status: string; bundle: string }[] | null;
    return new Map((list ?? []).filter((c) => c.bundle.startsWith(`${stateDir}/`)).map((c) => [c.id, c.pid]));
  };
  const alive = async (pid: number) => (await cmdline(pid)).length > 0;
  /** Page views until `n` counted ones; each count must be above the last one seen. */
  const countOn = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const page = await getPage(ports.lb);
      expect(page.status, `page: ${page.body}${context()}`).toBe(200);
      expect(page.count, page.body).toBeGreaterThan(seen.lastCount);
      seen.lastCount = page.count!;
    }
  };
  /** The same instances as the first start, run by the same QEMU and runc processes. */
  const expectSameInstances = async () => {
    const now = await instances();
    expect(now.map((i) => i.id).sort(), `instances now: ${JSON.stringify(now)}${context()}`).toEqual(seen.ids);
    expect(now.every((i) => i.desired === 'run' && i.state === 'running')).toBe(true);
    for (const [id, pid] of seen.qemu) expect(await qemuPid(id), `QEMU of ${id}`).toBe(pid);
    expect((await qemusUnder(stateDir)).sort()).toEqual([...seen.qemu.values()].sort());
    expect(await runcContainers()).toEqual(seen.runc);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-up-'));
    stateDir = join(dir, '.bubo');
    ports = { listen: await freePort(), lb: await freePort(), registry: await freePort() };
    await startUp(FIRST_START_MS);
  }, FIRST_START_MS + 60_000);

  afterAll(async () => {
    if (up?.running) await up.signalGroup('SIGKILL');
    if (!stateDir) return;
    // Whatever a failed case left: every process of this directory (QEMU, nginx, the registry,
    // runc shims), then containers, mounts, namespaces, links and cgroups of its agent.
    for (const p of await processesUnder(dir)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {}
    }
    await cleanupAgentState(join(stateDir, 'agent'), bridge);
    await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('serves the demo page through the load balancer and counts the views in Redis', async () => {
    await countOn(4);
    const all = await instances();
    expect(all.filter((i) => i.app === 'web' && i.state === 'running')).toHaveLength(2);
    expect(all.filter((i) => i.app === 'redis' && i.state === 'running')).toHaveLength(1);
    seen.ids = all.map((i) => i.id).sort();
    for (const i of all.filter((x) => x.app === 'web')) seen.qemu.set(i.id, await qemuPid(i.id));
    for (const [id, pid] of seen.qemu) expect(await alive(pid), `QEMU ${pid} of ${id}`).toBe(true);
    seen.runc = await runcContainers();
    expect(seen.runc.size).toBe(1);
    seen.gateway = (all[0]?.address ?? '').replace(/\.\d+$/, '.1');
    expect(seen.gateway).toMatch(/^10\.223\.\d+\.1$/);
    // The CLI next to it finds this `bubo up` by itself (`.bubo/up.json`).
    const status = await runBubo(['status', '--dir', stateDir], {}, dir);
    expect(status.stdout, status.stderr).toMatch(/web/);
    expect(status.stdout).toMatch(/redis/);
    // Both task files name the secret REDIS_PASSWORD: bubo up set a random one, and the page counts
    // because the web instances authenticate with it; Redis itself answers nobody without it.
    expect(up.output).toContain('set a random value for secret REDIS_PASSWORD of namespace default (redis names it)');
    const secrets = await runBubo(['secret', 'ls', '--dir', stateDir], {}, dir);
    expect(secrets.stdout, secrets.stderr).toMatch(/^default\s+REDIS_PASSWORD\s+1\s+.*\s+redis, web$/m);
    const redis = all.find((i) => i.app === 'redis');
    const { stdout: reply } = await run('busybox', ['sh', '-c', `printf 'PING\\r\\nQUIT\\r\\n' | timeout 5 busybox nc ${redis?.address} 6379`]);
    expect(reply).toContain('-NOAUTH');
  }, 60_000);

  it('keeps serving and counting when the whole process group of bubo up is SIGKILLed', async () => {
    const nginx = (await processesUnder(dir)).filter((p) => /nginx: master/.test(p.argv[0] ?? '')).map((p) => p.pid);
    expect(nginx, 'the load balancer of bubo up').toHaveLength(1);
    expect(await up.signalGroup('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    // Instances, QEMU and NGINX outlive it.
    for (const [id, pid] of seen.qemu) expect(await alive(pid), `QEMU of ${id}`).toBe(true);
    for (const [name, pid] of seen.runc) expect(await alive(pid), `runc container ${name}`).toBe(true);
    expect(await alive(nginx[0]!)).toBe(true);
    // The web app reaches Redis by name: DNS must answer while no bubo runs.
    await countOn(3);
  }, 60_000);

  it('re-adopts the same instances when bubo up starts again in the same directory, and counts on', async () => {
    await startUp(RESTART_MS);
    await expectSameInstances();
    await countOn(3);
  }, RESTART_MS + 30_000);

  it('keeps the same instances, processes and Redis keys when bubo up comes back after its host TTL', async () => {
    expect(await up.signalGroup('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    await timePasses(2 * SHORT_TTL_MS);
    await startUp(RESTART_MS, ['--host-ttl', `${SHORT_TTL_MS / 1000}s`]);
    // Past the TTL the host had been silent; once it is back, nothing was replaced.
    await waitFor('host local to be ready', async () => (await client.call('listHosts')).hosts.find((h) => h.name === 'local')?.status === 'ready', 30_000);
    await expectSameInstances();
    await countOn(3);
  }, RESTART_MS + 30_000);

  it('Ctrl-C stops everything and leaves no process, namespace, interface, nftables table, mount or cgroup behind', async () => {
    const pids = { up: up.pid!, registry: Number((await readFile(join(stateDir, 'registry', 'registry.pid'), 'utf8')).trim()) };
    expect(await alive(pids.registry), 'the registry of bubo up').toBe(true);
    const ids = seen.ids;
    const hashes = ids.map(instanceHash);
    // A terminal's Ctrl-C: SIGINT to the whole foreground process group.
    expect(await up.signalGroup('SIGINT'), context()).toEqual({ code: 0, signal: null });
    expect(up.output).toMatch(/bubo up: stopped/);

    // Processes: QEMU, runc containers, nginx, docker-registry, bubo, the DNS server.
    expect(await qemusUnder(stateDir)).toEqual([]);
    expect(await runcContainers()).toEqual(new Map());
    for (const pid of [...seen.qemu.values(), ...seen.runc.values(), pids.up, pids.registry]) expect(await alive(pid), `pid ${pid}`).toBe(false);
    const left = await processesUnder(dir);
    expect(left.map((p) => `${p.pid} ${p.argv.join(' ')}`), 'processes of this bubo up').toEqual([]);
    const dns = (await run('ss', ['-H', '-lunp', 'src', `${seen.gateway}:53`])).stdout + (await run('ss', ['-H', '-ltnp', 'src', `${seen.gateway}:53`])).stdout;
    expect(dns.trim(), 'a DNS server on the bridge address').toBe('');

    // Network namespaces, interfaces (bridge, veths, taps), nftables tables.
    const netns = (await run('ip', ['netns', 'list'])).stdout;
    for (const hash of hashes) expect(netns).not.toContain(`bubo-${hash}`);
    const links = (JSON.parse((await run('ip', ['-j', 'link', 'show'])).stdout) as { ifname: string }[]).map((l) => l.ifname);
    expect(links.filter((l) => l === bridge || hashes.some((h) => l === `bv${h}` || l === `bt${h}`))).toEqual([]);
    const tables = (await run('nft', ['list', 'tables'])).stdout;
    expect(tables).not.toMatch(/^table \w+ bubo$/m);

    // Mounts (the containers' overlays, anything else under the directory) and loop devices.
    const mounts = (await readFile('/proc/mounts', 'utf8')).split('\n').filter((l) => l.includes(dir));
    expect(mounts, 'mounts of this bubo up').toEqual([]);
    const loops = JSON.parse((await run('losetup', ['-J', '-l'])).stdout || '{"loopdevices":[]}') as { loopdevices: { name: string; 'back-file': string | null }[] };
    expect(loops.loopdevices.filter((l) => (l['back-file'] ?? '').includes(dir))).toEqual([]);

    // cgroups of the instances, in every controller.
    const cgroups: string[] = [];
    for (const controller of await readdir('/sys/fs/cgroup')) {
      for (const id of ids) if (existsSync(join('/sys/fs/cgroup', controller, 'bubo', id))) cgroups.push(`${controller}/bubo/${id}`);
    }
    expect(cgroups).toEqual([]);
  }, 120_000);
});
