import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ApiClient } from '../../src/client/api-client.js';
import { AgentProcess } from './agent-process.js';
import { cleanupAgentState } from './cleanup-agent-state.js';
import { processesUnder } from './host-processes.js';
import { type Registry, startRegistry } from './registry.js';
import { freePort, ServerProcess } from './server-process.js';
import { type PushedTestImages, pushTestImages } from './test-images.js';

const run = promisify(execFile);

export interface ClusterHarnessOptions {
  /** How many hosts (network namespaces, each with a real `bubo agent`). */
  hosts: number;
  /** Hosts (1-based) that get the role `lb`. */
  lbHosts?: number[];
  /** `--overlay` of every agent. */
  overlay?: 'routes' | 'vxlan';
  /** The agents' group. */
  group?: string;
  /** More arguments of `bubo server`, e.g. `['--host-ttl', '3s']`. */
  serverArgs?: string[];
  /**
   * The `--runtime`s of host n (1-based), in order, e.g. `{ 2: ['qemu', 'runc'] }` for QEMU
   * microVMs on host 2; default `['runc']`.
   */
  runtimes?: Record<number, string[]>;
  /** More arguments of host n's agent (1-based), e.g. its `--maintenance` file. */
  agentArgs?: (n: number, dir: string) => string[];
}

/** One simulated host: a network namespace on the switch, and the agent running in it. */
export interface ClusterHost {
  /** 1-based. */
  n: number;
  name: string;
  netns: string;
  /** Its address on the switch, e.g. 10.251.7.2. */
  address: string;
  stateDir: string;
  agent: AgentProcess;
  /** The join token it was given, and the CA fingerprint to pin. */
  join: { token: string; caFingerprint: string };
}

/**
 * A cluster on one machine (PLATFORM.md §4): a root-namespace bridge is the switch, each host is
 * a network namespace `nh<pid>-N` with `eth0` on it, and runs a real `bubo agent` process with
 * runc (`nsenter --net`: only the network namespace changes, so the instance namespaces the agent
 * makes with `ip netns add` are visible machine-wide, as on a real host), and QEMU microVMs where
 * `runtimes` says so (QEMU inherits the agent's namespace; its tap is on that host's bridge). `bubo server` and the
 * image registry run in the root namespace on the switch address, which also plays the outside
 * world. Inside each namespace the bridge is `bubo0` and DNS is on port 53, as on a real host.
 *
 * Names come from the pid (`nsw<pid>` switch, `nv<pid>-N` veths, 10.251.<pid % 250>.0/24 on the
 * switch, cluster CIDR 10.252.0.0/16 inside the namespaces); `destroy()` removes every one of
 * them, the agents' instances and processes, even after a failed test, and `leftovers()` says
 * what is still there.
 *
 * Agents join like real hosts: a one-use join token each (made through the admin API), over the
 * server's TLS listener with the CA pinned, then mTLS with their host certificate; no host holds
 * the admin token (`agentArgs`, the one place their command line is built).
 */
export class ClusterHarness {
  readonly tag = String(process.pid % 100_000);
  readonly switchName = `nsw${this.tag}`;
  readonly lan = `10.251.${process.pid % 250}`;
  readonly serverAddress = `${this.lan}.254`;
  readonly clusterCidr = '10.252.0.0/16';
  readonly group: string;
  readonly hosts: ClusterHost[] = [];
  dir = '';
  server!: ServerProcess;
  registry!: Registry;
  images!: PushedTestImages;
  client!: ApiClient;
  token = '';
  tlsPort = 0;
  #destroyed = false;

  constructor(readonly options: ClusterHarnessOptions) {
    this.group = options.group ?? 'cluster';
  }

  netnsName(n: number): string {
    return `nh${this.tag}-${n}`;
  }

  hostAddress(n: number): string {
    return `${this.lan}.${n}`;
  }

  /** Switch, namespaces, registry with the test images, server, and every agent registered. */
  async start(): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'bubo-cluster-'));
    await ip('link', 'add', this.switchName, 'type', 'bridge');
    await ip('addr', 'add', `${this.serverAddress}/24`, 'dev', this.switchName);
    await ip('link', 'set', this.switchName, 'up');
    for (let n = 1; n <= this.options.hosts; n++) {
      const netns = this.netnsName(n);
      const veth = this.vethName(n);
      await ip('netns', 'add', netns);
      await ip('link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns);
      await ip('link', 'set', veth, 'master', this.switchName, 'up');
      await ip('-n', netns, 'addr', 'add', `${this.hostAddress(n)}/24`, 'dev', 'eth0');
      await ip('-n', netns, 'link', 'set', 'eth0', 'up');
      await ip('-n', netns, 'link', 'set', 'lo', 'up');
    }
    this.registry = await startRegistry({ address: this.serverAddress });
    this.images = await pushTestImages(this.registry);
    this.tlsPort = await freePort();
    const tls = ['--tls-listen', `${this.serverAddress}:${this.tlsPort}`, '--tls-san', this.serverAddress];
    this.server = new ServerProcess(join(this.dir, 'server'), await freePort(), ['--cluster-cidr', this.clusterCidr, ...tls, ...(this.options.serverArgs ?? [])], this.serverAddress);
    await this.server.start();
    this.token = (await readFile(join(this.dir, 'server', 'admin.token'), 'utf8')).trim();
    this.client = new ApiClient({ baseUrl: this.server.url, token: this.token });
    for (let n = 1; n <= this.options.hosts; n++) {
      const netns = this.netnsName(n);
      const host: ClusterHost = { n, name: `host-${n}`, netns, address: this.hostAddress(n), stateDir: join(this.dir, `host-${n}`), agent: undefined as unknown as AgentProcess, join: await this.joinToken(n) };
      // No admin token on a host: the agent joins with its one-use token and then speaks mTLS.
      host.agent = new AgentProcess(this.agentArgs(host), {}, ['nsenter', `--net=/run/netns/${netns}`, '--']);
      this.hosts.push(host);
    }
    // One after the other: three Node.js start-ups at once on 2 cores only make each slower.
    for (const host of this.hosts) await host.agent.start();
  }

  /** A one-use join token for host `n` into the group (with role lb for the lb hosts), as an admin makes it. */
  async joinToken(n: number): Promise<{ token: string; caFingerprint: string }> {
    const roles = this.options.lbHosts?.includes(n) ? ['lb'] : [];
    const created = await this.client.call('createJoinToken', { body: { group: this.group, roles, uses: 1 } });
    return { token: created.token, caFingerprint: created.ca_fingerprint };
  }

  /**
   * The command line of a host's agent: it joins over TLS with its token, pinning the CA. A
   * restart passes the same (used) token again, as a systemd unit does; the agent then uses the
   * certificate it keeps in its state directory.
   */
  agentArgs(host: Pick<ClusterHost, 'n' | 'name' | 'address' | 'stateDir' | 'join'>): string[] {
    return [
      '--server', `https://${this.serverAddress}:${this.tlsPort}`,
      '--join', host.join.token,
      '--ca-fingerprint', host.join.caFingerprint,
      '--name', host.name,
      '--address', host.address,
      '--state-dir', host.stateDir,
      ...this.runtimesOf(host.n).flatMap((runtime) => ['--runtime', runtime]),
      '--insecure-registry', this.registry.host,
      '--overlay', this.options.overlay ?? 'routes',
      ...(this.options.agentArgs?.(host.n, this.dir) ?? []),
    ];
  }

  /** The runtimes host `n` offers (`ClusterHarnessOptions.runtimes`). */
  runtimesOf(n: number): string[] {
    return this.options.runtimes?.[n] ?? ['runc'];
  }

  /** The switch side of host `n`'s cable. */
  vethName(n: number): string {
    return `nv${this.tag}-${n}`;
  }

  /**
   * Pulls host `n`'s cable (`up = false`) or plugs it back: the host, its agent and its
   * instances keep running but nothing reaches it (a dead switch port or a partition).
   */
  async setLink(n: number, up: boolean): Promise<void> {
    await ip('link', 'set', this.vethName(n), up ? 'up' : 'down');
  }

  /**
   * What a reboot does to host `n`, short of the machine: its agent and every process of its
   * namespace (the DNS process) are killed, and the agent starts again from the same state
   * directory, as systemd starts it at boot. Its instances die too (a drained host has none).
   */
  async reboot(n: number): Promise<void> {
    const host = this.hosts[n - 1]!;
    await host.agent.signal('SIGKILL');
    for (const pid of await processesInNetns(this.netnsName(n))) killQuietly(pid);
    await host.agent.start();
  }

  /** Runs a command in the root namespace of host `n` (not in an instance). */
  async inHost(n: number, argv: string[]): Promise<string> {
    return (await run('nsenter', [`--net=/run/netns/${this.netnsName(n)}`, '--', ...argv])).stdout;
  }

  /** Stops everything and removes what the cluster made; safe to call twice and after a failed start. */
  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    const quiet = (p: Promise<unknown>) => p.catch(() => {});
    // Agents first (SIGKILL: nothing of theirs needs to outlive them here), then whatever else
    // runs in a host's namespace: its DNS process, NGINX master and workers.
    for (const host of this.hosts) await quiet(host.agent.signal('SIGKILL'));
    for (let n = 1; n <= this.options.hosts; n++) {
      for (const pid of await processesInNetns(this.netnsName(n))) killQuietly(pid);
    }
    for (const host of this.hosts) await quiet(cleanupAgentState(host.stateDir, null));
    // The cables first, explicitly: a namespace outlives `ip netns del` while the kernel still
    // holds sockets of it (a host whose cable was pulled keeps retransmitting its FINs for
    // minutes), and its veth with it; deleting our end removes both ends at once.
    for (let n = 1; n <= this.options.hosts; n++) await quiet(ip('link', 'del', this.vethName(n)));
    for (let n = 1; n <= this.options.hosts; n++) await quiet(ip('netns', 'del', this.netnsName(n)));
    await quiet(ip('link', 'del', this.switchName));
    await quiet(this.server?.stop() ?? Promise.resolve());
    await quiet(this.registry?.stop() ?? Promise.resolve());
    if (this.dir) {
      for (const p of await processesUnder(this.dir)) killQuietly(p.pid);
    }
  }

  /**
   * What is left on the machine of this cluster: namespaces (the hosts' and their instances'; a
   * host's nft tables, taps and routes go with its namespace), links, processes (QEMU included:
   * its argv names the state directory), runc containers. Empty after `destroy()`. Call before the directory goes.
   */
  async leftovers(): Promise<string[]> {
    const found: string[] = [];
    const netns = (await readdir('/run/netns').catch(() => [] as string[])).filter((name) => name.startsWith(`nh${this.tag}-`));
    found.push(...netns.map((name) => `netns ${name}`));
    const hashes: string[] = [];
    for (const host of this.hosts) {
      const state = await readFile(join(host.stateDir, 'net', 'network.json'), 'utf8').then(JSON.parse).catch(() => null) as { attachments?: Record<string, { hash: string }> } | null;
      for (const a of Object.values(state?.attachments ?? {})) {
        hashes.push(a.hash);
        if (await exists(`/run/netns/bubo-${a.hash}`)) found.push(`netns bubo-${a.hash} (instance on ${host.name})`);
      }
    }
    const links = JSON.parse((await run('ip', ['-j', 'link', 'show'])).stdout) as { ifname: string }[];
    found.push(...links.filter((l) => l.ifname === this.switchName || l.ifname.startsWith(`nv${this.tag}-`)).map((l) => `link ${l.ifname}`));
    // An instance's veth or tap lives in its host's namespace; one in the root namespace escaped it.
    const devices = new Set(hashes.flatMap((hash) => [`bv${hash}`, `bt${hash}`]));
    found.push(...links.filter((l) => devices.has(l.ifname)).map((l) => `link ${l.ifname} (instance device)`));
    const routes = JSON.parse((await run('ip', ['-j', '-4', 'route', 'show'])).stdout) as { dst: string; dev?: string }[];
    found.push(...routes.filter((r) => r.dev === this.switchName || r.dst.startsWith('10.252.')).map((r) => `route ${r.dst}`));
    if (this.dir) found.push(...(await processesUnder(this.dir)).map((p) => `process ${p.pid} ${p.argv.join(' ')}`));
    const containers = JSON.parse((await run('runc', ['list', '--format', 'json'])).stdout || 'null') as { id: string; bundle: string }[] | null;
    found.push(...(containers ?? []).filter((c) => this.dir && c.bundle.startsWith(this.dir)).map((c) => `runc container ${c.id}`));
    return found;
  }

  /** Removes the temporary directory (after `leftovers()`). */
  async removeDir(): Promise<void> {
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}

function ip(...argv: string[]): Promise<unknown> {
  return run('ip', argv);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Pids of the processes whose network namespace is `/run/netns/<name>`. */
async function processesInNetns(name: string): Promise<number[]> {
  const target = await stat(`/run/netns/${name}`).catch(() => null);
  if (!target) return [];
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const link = await readlink(`/proc/${entry}/ns/net`).catch(() => '');
    if (link === `net:[${target.ino}]`) pids.push(Number(entry));
  }
  return pids;
}
