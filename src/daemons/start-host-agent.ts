import { createDirVolumeDriver } from '../volumes/dir/create-dir-volume-driver.js';
import { createFileVolumeDriver } from '../volumes/file/create-file-volume-driver.js';
import { mkdir, rm } from 'node:fs/promises';
import { backupVolume, pruneBackups, restoreVolume } from '../volumes/backup-archive.js';
import type { AgentVolumeOps } from '../agent/agent-volume-routes.js';
import { freezeAndSnapshot } from '../agent/freeze-and-snapshot.js';
import { createLvmVolumeDriver } from '../volumes/lvm/create-lvm-volume-driver.js';
import { lvmCommands, parseLvs } from '../volumes/lvm/lvm-commands.js';
import type { VolumeDriver } from '../volumes/volume-driver.js';
import { parseBackupTarget } from '../domain/backup-target.js';
import { downloadBackup, pruneRemote, type SftpAuth, uploadBackup } from '../volumes/sftp/sftp-backups.js';
import { join } from 'node:path';
import { Agent } from '../agent/agent.js';
import { startAgentHttp } from '../agent/agent-http.js';
import { BUBO_VERSION } from '../agent/bubo-version.js';
import { type HostCredentialFiles, readHostCredential } from '../agent/host-credential-files.js';
import { hostFacts } from '../agent/host-facts.js';
import { joinCluster } from '../agent/join-cluster.js';
import { expiredCredentialMessage, keepCredentialRenewed } from '../agent/keep-credential-renewed.js';
import { type AgentMaintenance, agentMaintenance } from '../agent/agent-maintenance-routes.js';
import { readMaintenanceConfig } from '../agent/read-maintenance-config.js';
import { LazyNetwork } from '../agent/lazy-network.js';
import { applyHostsDelta } from '../api/apply-hosts-delta.js';
import { PeersFile } from '../api/catalog.js';
import { ApiClient } from '../client/api-client.js';
import { tlsFetch } from '../client/tls-fetch.js';
import { loadCatalogFile } from '../dns/catalog-file.js';
import { followCatalog } from '../dns/catalog-follower.js';
import { DnsProcess } from '../dns/dns-process.js';
import { DomainError } from '../errors/domain-error.js';
import { runCommand } from '../exec/run-command.js';
import { readJsonFile } from '../fs/read-json-file.js';
import { secureStateDir } from '../fs/secure-state-dir.js';
import { writeJsonFile } from '../fs/write-json-file.js';
import { ImageCache } from '../images/image-cache.js';
import type { RegistryAccess } from '../images/registry-access.js';
import { NginxLoadBalancer } from '../lb/nginx-load-balancer.js';
import type { ClusterView, Overlay } from '../net/cluster-view.js';
import { HostNetwork } from '../net/host-network.js';
import { parseIpv4Subnet } from '../net/ipv4-subnet.js';
import { parseFingerprint } from '../pki/fingerprint.js';
import { FallbackRuntime } from '../runtimes/fallback-runtime.js';
import type { Runtime } from '../runtimes/runtime.js';
import { createRuntimes, RUNTIME_NAMES, type RuntimeName } from '../runtimes/runtime-registry.js';

export interface HostAgentOptions {
  /** The server; with a stored credential and none given, the one it joined. */
  server?: string;
  /** The admin token (agents started with `--token`); absent for agents that join. */
  token?: string;
  /** First start of a joining agent (`--join`, `--ca-fingerprint sha256:…`); ignored once joined. */
  join?: { token: string; caFingerprint: string };
  /** Required with `token`; with a credential, the token's group decides and this must agree. */
  group?: string;
  stateDir: string;
  name?: string;
  address?: string;
  labels?: Record<string, string>;
  roles?: string[];
  /** The instance bridge; `bubo0` unless several agents share one machine (tests). */
  bridge?: string;
  /** Prefix of instance network namespaces (`bubo-`). */
  netnsPrefix?: string;
  /** cgroup parent of instances (`/bubo`). */
  cgroupParent?: string;
  registries?: Record<string, RegistryAccess>;
  log?: (line: string) => void;
  /** `host:port` of the agent's HTTP listener (logs); default `<address>:7071`, port 0 picks one. */
  agentListen?: string;
  /** How often unused images are removed from the cache (10 minutes). */
  imageGcIntervalMs?: number;
  /** Port of the instance DNS server on the bridge address (53). */
  dnsPort?: number;
  /** Override the long-poll wait (tests). */
  pollWaitMs?: number;
  /** Runtimes to offer (default: runc, qemu and firecracker); each probes whether it can work here. */
  runtimes?: readonly RuntimeName[];
  /** An uncompressed vmlinux for microVMs instead of the guest kit's Debian kernel. */
  kernelPath?: string;
  /** Where instances' volumes live (`file`: ext4 images, the default; `dir`: plain directories). */
  volumeDriver?: 'file' | 'dir' | 'lvm';
  /** The thin pool of the `lvm` driver. */
  lvmPool?: { vg: string; pool: string };
  /** The SSH key and known-hosts file for sftp:// backups (default: root's ~/.ssh). */
  backupSshKey?: string;
  backupKnownHosts?: string;
  /** Default `<stateDir>/volumes`. */
  volumeDir?: string;
  /**
   * `bubo up`: when no microVM runtime can work here, run `runtime = "microvm"` tasks as runc
   * containers (and say so) rather than leave them unplaceable.
   */
  microvmFallback?: boolean;
  /** Role `lb`: the address NGINX listens on (default all, `0.0.0.0`). */
  lbListen?: string;
  /** Role `lb`: public port → local port NGINX listens on (e.g. 80 → 8080 when 80 is taken). */
  lbPorts?: Readonly<Record<number, number>>;
  /** How other hosts' instance subnets are reached: `routes` (default; one L2 segment) or `vxlan`. */
  overlay?: Overlay;
  /** `--maintenance`: the host maintenance allow-list (`agent/maintenance-config.ts`), read at start; a bad one fails it. */
  maintenanceFile?: string;
}


export { RUNTIME_NAMES, type RuntimeName };

/**
 * The longest a stop waits for this host's lb to stop routing to the instance: a reload takes
 * well under a second, and the lb's own reload timeout is 10 s; past that the lb is broken
 * (rejected or failed configuration) and the stop goes ahead rather than hang.
 */
const OUT_OF_TRAFFIC_TIMEOUT_MS = 15_000;

export interface RunningHostAgent {
  agent: Agent;
  /** The group it registered in (the join token's, for a joined host). */
  group: string;
  runtimes: Runtime[];
  network: LazyNetwork;
  /** The load balancer of an `lb` host. */
  lb: NginxLoadBalancer | undefined;
  /** The DNS process of this host (`bubo dns serve`), which outlives the agent. */
  dns: DnsProcess;
  /** Stops the agent; with `drain`, stops every instance first, then NGINX and DNS (`--drain-on-exit`). */
  stop(options?: { drain?: boolean }): Promise<void>;
}

/**
 * `bubo agent`: the agent loop over the real pieces of a host: the image cache, the host
 * network (set up once the server has given this host its subnet) and the runtimes of
 * `runtimes/runtime-registry.ts`. Running
 * instances survive the agent: a new agent over the same state directory re-adopts them.
 */
export async function startHostAgent(options: HostAgentOptions): Promise<RunningHostAgent> {
  const log = options.log ?? (() => {});
  await secureStateDir(options.stateDir, log);
  const maintenanceConfig = options.maintenanceFile ? await readMaintenanceConfig(options.maintenanceFile) : undefined;
  let credential = await readHostCredential(options.stateDir);
  if (credential && options.name && options.name !== credential.hostName) {
    throw new DomainError('invalid_config', `this agent joined as host ${credential.hostName} (${options.stateDir}/pki); it cannot run as --name ${options.name}`);
  }
  const facts = await hostFacts(options.stateDir, { name: credential?.hostName ?? options.name, address: options.address });
  if (credential && options.join) log(`already joined as host ${credential.hostName} (group ${credential.group}); --join is not needed any more and is ignored`);
  if (!credential && options.join) {
    if (!options.server) throw new DomainError('invalid_config', '--join needs --server https://SERVER:7443');
    credential = await joinCluster({
      server: options.server,
      token: options.join.token,
      caFingerprint: parseFingerprint(options.join.caFingerprint),
      name: facts.name,
      group: options.group,
      roles: options.roles,
      address: facts.address,
      stateDir: options.stateDir,
    });
    log(`joined as host ${credential.hostName} in group ${credential.group}; credential in ${options.stateDir}/pki`);
  }
  const identity = whoAmI(options, credential);
  // The server would refuse it with a bare 401; say what helps instead.
  if (credential && credential.notAfter <= Date.now()) throw new DomainError('invalid_config', expiredCredentialMessage(credential, options.stateDir));
  const images = new ImageCache({ root: join(options.stateDir, 'images'), registries: options.registries ?? {} });
  const network = new LazyNetwork();
  const byName = createRuntimes(new Set(options.runtimes ?? RUNTIME_NAMES), options.stateDir, {
    images,
    network,
    log,
    ...(options.kernelPath ? { kernelPath: options.kernelPath } : {}),
    ...(options.cgroupParent ? { cgroupParent: options.cgroupParent } : {}),
  });
  const runtimes: Runtime[] = [...byName.values()];
  const runc = byName.get('runc');
  const qemu = byName.get('qemu');
  if (options.microvmFallback && runc) {
    const probed = qemu ? await qemu.probe() : { available: false, reason: 'qemu is not offered (--runtime)' };
    if (!probed.available) runtimes.push(new FallbackRuntime(runc, 'microvm', `no microVM runtime here (qemu: ${probed.reason ?? 'unavailable'})`));
  }
  const volumeDir = options.volumeDir ?? join(options.stateDir, 'volumes');
  const volumes = await volumeDriverFor(options, volumeDir);
  const snapshot = freezeAndSnapshot(volumes, runtimes);
  const sftp: SftpAuth = { ...(options.backupSshKey ? { identity: options.backupSshKey } : {}), ...(options.backupKnownHosts ? { knownHosts: options.backupKnownHosts } : {}) };
  const volumeOps: AgentVolumeOps = {
    driver: volumes,
    // An sftp:// backup is made here first, then uploaded (and the local copy deleted).
    backup: async (id, to) => {
      const target = parseBackupTarget(to);
      if (target.kind === 'dir') return backupVolume(volumes, runCommand, id, target.dir, Date.now(), snapshot);
      const made = await backupVolume(volumes, runCommand, id, join(volumeDir, id, 'outgoing'), Date.now(), snapshot);
      return { ...made, archive: await uploadBackup(runCommand, target, sftp, made.archive) };
    },
    restoreArchive: async (id, archive) => {
      if (!archive.startsWith('sftp://')) return restoreVolume(volumes, runCommand, { id, sizeMib: 0 }, archive, join(volumeDir, id));
      const incoming = join(volumeDir, id, 'incoming');
      await mkdir(incoming, { recursive: true });
      try {
        await restoreVolume(volumes, runCommand, { id, sizeMib: 0 }, await downloadBackup(runCommand, archive, sftp, incoming), join(volumeDir, id));
      } finally {
        await rm(incoming, { recursive: true, force: true });
      }
    },
    snapshot,
    prune: async (id, to, keep) => {
      const target = parseBackupTarget(to);
      return target.kind === 'dir' ? pruneBackups(target.dir, id, keep) : pruneRemote(runCommand, target, sftp, id, keep);
    },
  };
  const maintenance = agentMaintenance({ config: maintenanceConfig, runtimes, rebootLogPath: join(options.stateDir, 'maintenance-reboot.log'), log });
  const http = await startLogListener(options.agentListen, facts.address, options.token, credential, runtimes, volumeOps, maintenance, log);
  // With a credential every call is mTLS; a renewal swaps the connection pool under the client:
  // new requests connect with the new certificate, requests in flight finish on the old pool,
  // whose idle connections then close (undici's keep-alive timeout).
  let credentialFetch = credential ? tlsFetch({ ca: credential.ca, cert: credential.cert, key: credential.key }) : undefined;
  const client = new ApiClient({
    baseUrl: identity.server,
    ...(credential ? { fetch: ((...args) => credentialFetch!(...args)) as typeof fetch } : { token: options.token ?? null }),
  });
  const dnsAbort = new AbortController();
  const renewals = new AbortController();
  let lastGc = Date.now();
  /** Removes images no recorded instance uses, every `imageGcIntervalMs`, from the agent's idle tick. */
  async function collectImages(): Promise<void> {
    if (Date.now() - lastGc < (options.imageGcIntervalMs ?? 10 * 60_000)) return;
    lastGc = Date.now();
    try {
      const inUse = new Set((await Promise.all(runtimes.map((r) => r.imagesInUse()))).flatMap((digests) => [...digests]));
      const { removed } = await images.gc(inUse);
      if (removed.length > 0) log(`images: removed ${removed.length} unused (${removed.join(', ')})`);
    } catch (error) {
      log(`images: garbage collection failed: ${(error as Error).message}`);
    }
  }
  // DNS runs in a process of its own that outlives the agent (crash, restart, upgrade), like
  // NGINX and the instances: it answers from the catalog file the follower below keeps.
  const dns = new DnsProcess({ stateDir: options.stateDir, version: BUBO_VERSION, log });
  // Role lb: a private NGINX fed by the same catalog as DNS; started before the agent registers
  // so that a broken nginx install is a clear startup error, not a silent missing load balancer.
  let agentRef: Agent | undefined;
  const lb = identity.roles.includes('lb')
    ? new NginxLoadBalancer({
        stateDir: join(options.stateDir, 'lb'),
        ...(options.lbListen ? { listenAddress: options.lbListen } : {}),
        ...(options.lbPorts ? { portMap: options.lbPorts } : {}),
        log,
        // Reloads are routine (one per catalog change); the rest is worth the event log.
        onEvent: (kind, message) => {
          if (kind !== 'lb.reloaded') void agentRef?.event(kind, message);
        },
      })
    : undefined;
  let lbAdopted = false;
  if (lb) {
    const { pid, adopted } = await lb.start();
    lbAdopted = adopted;
    log(`lb: nginx ${adopted ? 'adopted' : 'started'} (pid ${pid})`);
  }
  let following = false;
  /** The cluster as last heard of (hosts from the peers poll, namespaces from the catalog); a re-registration's new HostNetwork starts from it. */
  let cluster: ClusterView | undefined;
  let peerFailures = '';
  const catalogFile = join(options.stateDir, 'catalog.json');
  const peersFile = join(options.stateDir, 'peers.json');
  /** The `peers_index` of the host list this process got from the server. */
  let peersIndex: number | undefined;
  /** Routes and the allow-list follow the catalog, through the host network's one operation queue. */
  function followPeers(change: Partial<ClusterView>): void {
    const view: ClusterView = { hosts: change.hosts ?? cluster?.hosts ?? [], namespaces: change.namespaces ?? cluster?.namespaces ?? {} };
    cluster = view;
    void network.setPeers(view).then(
      (failed) => {
        const text = failed.join('; ');
        if (text !== peerFailures && text !== '') log(`network: ${failed.length} route change(s) failed: ${text}`);
        if (text !== peerFailures && text === '') log('network: routes to every other host are in place');
        peerFailures = text;
      },
      (error: unknown) => log(`network: cannot follow the cluster: ${(error as Error).message}`),
    );
  }
  /**
   * One catalog follower for DNS and the load balancer. The catalog file it keeps is what the DNS
   * process answers from (it reloads the file on each change), and what a restart without the server starts from.
   */
  function followCatalogOnce(): void {
    if (following) return;
    following = true;
    void followCatalog(
      client,
      (catalog, { saved }) => {
        // The host list comes only when it changed (or on this process's first answer): kept in
        // peers.json, since the saved catalog may not hold it.
        // Or, to a list this process holds (the server knows which), the changes since.
        const hosts = saved
          ? undefined
          : (catalog.hosts ??
            (catalog.hosts_since !== undefined && catalog.hosts_since === peersIndex
              ? applyHostsDelta(cluster?.hosts ?? [], catalog.hosts_changed ?? [], catalog.hosts_removed ?? [])
              : undefined));
        if (hosts) {
          peersIndex = catalog.peers_index ?? 0;
          void writeJsonFile(peersFile, { peers_index: peersIndex, hosts }, { fsync: false }).catch((error: Error) => log(`peers: cannot save ${peersFile}: ${error.message}`));
        }
        followPeers({ namespaces: catalog.namespaces ?? {}, ...(hosts ? { hosts } : {}) });
        if (lb) void lb.apply(catalog);
      },
      dnsAbort.signal,
      // No `peers` until this process has a list from the server: a saved one may be from a server
      // whose counters started over.
      { stateFile: catalogFile, peersIndex: () => peersIndex, log },
    );
  }
  const agent = new Agent({
    ...(http ? { agentUrl: http.url } : {}),
    client,
    onIdle: async () => {
      await dns.keepAlive();
      await collectImages();
    },
    name: facts.name,
    group: identity.group,
    address: facts.address,
    capacity: facts.capacity,
    runtimes,
    volumes,
    labels: { kernel: facts.kernel, ...options.labels, ...identity.labels },
    roles: identity.roles,
    log,
    ...(options.pollWaitMs ? { pollWaitMs: options.pollWaitMs } : {}),
    // This host's lb must have stopped routing to an instance before its drain delay runs (see
    // src/lb/README.md "Draining"); other hosts' lbs do not report back yet.
    ...(lb
      ? {
          outOfTraffic: async ({ id, address }, signal) => {
            const left = await lb.whenNotRouting(address, OUT_OF_TRAFFIC_TIMEOUT_MS, signal);
            if (!left && !signal.aborted) log(`lb: nginx still routes to instance ${id} (${address}) after ${OUT_OF_TRAFFIC_TIMEOUT_MS / 1000}s; stopping it anyway`);
          },
        }
      : {}),
    onRegistered: async (registration) => {
      // Before the first catalog of this process: the saved one, so a restarted agent keeps its
      // routes and cross-host allow-list from the start rather than cut other hosts off.
      if (!cluster) {
        const [saved, peers] = await Promise.all([loadCatalogFile(catalogFile), readJsonFile(peersFile, PeersFile)]);
        if (saved || peers) cluster = { hosts: peers?.hosts ?? [], namespaces: saved?.namespaces ?? {} };
      }
      const host = new HostNetwork({
        bridge: options.bridge ?? 'bubo0',
        subnet: registration.subnet,
        clusterCidr: registration.cluster_cidr,
        stateDir: join(options.stateDir, 'net'),
        exec: runCommand,
        ...(options.netnsPrefix ? { netnsPrefix: options.netnsPrefix } : {}),
        overlay: options.overlay ?? 'routes',
        address: facts.address,
        ...(cluster ? { cluster } : {}),
      });
      await host.setupHost();
      network.bind(host);
      log(`network: bridge ${options.bridge ?? 'bubo0'} with ${registration.subnet}${options.overlay === 'vxlan' ? ' (VXLAN overlay)' : ''}`);
      // DNS answers on the bridge address, which exists only now; instances' resolv.conf points there.
      await ensureDns(`${parseIpv4Subnet(registration.subnet).gateway}:${options.dnsPort ?? 53}`);
      followCatalogOnce();
    },
  });
  agentRef = agent;
  async function ensureDns(listen: string): Promise<void> {
    try {
      const { pid, outcome, reason } = await dns.ensure(listen);
      log(outcome === 'adopted' ? `DNS: ${reason}` : `DNS: ${outcome} process ${pid} on ${listen} (${reason})`);
    } catch (error) {
      log(`DNS: ${(error as Error).message}; instances cannot resolve *.bubo.internal names on this host`);
    }
  }

  // Before the agent registers: with a short validity (tests) the certificate may be due already,
  // and registration must not wait for the first renewal check.
  if (credential) {
    void keepCredentialRenewed({
      client,
      stateDir: options.stateDir,
      credential,
      onRenewed: (renewed) => {
        credentialFetch = tlsFetch({ ca: renewed.ca, cert: renewed.cert, key: renewed.key });
        http?.updateTls({ cert: renewed.cert, key: renewed.key, ca: renewed.ca });
      },
      log,
      signal: renewals.signal,
    });
  }
  await agent.start().catch(async (error: unknown) => {
    renewals.abort();
    dnsAbort.abort();
    // An adopted NGINX serves live instances: an agent that cannot start (server unreachable)
    // must not take the load balancer down with it.
    if (!lbAdopted) await lb?.stop();
    if (dns.startedHere) await dns.stop();
    await http?.close();
    throw error;
  });
  return {
    agent,
    group: identity.group,
    runtimes,
    network,
    lb,
    dns,
    async stop({ drain = false } = {}) {
      renewals.abort();
      await agent.stop();
      dnsAbort.abort();
      await http?.close();
      if (drain) await agent.drain();
      // NGINX and DNS outlive an agent restart like the instances do; they go with them on drain.
      if (drain) await lb?.stop();
      if (drain) await dns.stop();
      for (const runtime of runtimes) await runtime.close();
      // Drained, the host holds nothing of bubo's: the bridge and nftables tables go too.
      if (drain) await network.teardownHost().catch((error: unknown) => log(`network: ${(error as Error).message}`));
    },
  };
}

/**
 * The agent's HTTP listener. An explicit `--agent-listen` must work; the default port being taken
 * (several agents on one machine) only costs `bubo logs` for this host, so the agent still starts.
 */
/** The host's volume driver; `lvm` only where device-mapper works and the pool exists (said so otherwise, before anything starts). */
async function volumeDriverFor(options: HostAgentOptions, dir: string): Promise<VolumeDriver> {
  if (options.volumeDriver === 'dir') return createDirVolumeDriver({ dir, exec: runCommand });
  if (options.volumeDriver !== 'lvm') return createFileVolumeDriver({ dir, exec: runCommand });
  const at = options.lvmPool;
  if (!at) throw new DomainError('invalid_config', '--volume-driver lvm needs --lvm-pool VG/POOL');
  try {
    await runCommand(lvmCommands.probe());
  } catch (error) {
    throw new DomainError('invalid_config', `--volume-driver lvm: device-mapper does not work on this host (${(error as Error).message.split('\n')[0]}); use --volume-driver file`);
  }
  const pool = parseLvs((await runCommand(lvmCommands.list(at.vg)).catch((error: Error) => {
    throw new DomainError('invalid_config', `--lvm-pool ${at.vg}/${at.pool}: cannot list volume group ${at.vg} (${error.message.split('\n')[0]})`);
  })).stdout).find((v) => v.name === at.pool);
  if (!pool) throw new DomainError('invalid_config', `--lvm-pool ${at.vg}/${at.pool}: volume group ${at.vg} has no logical volume ${at.pool} (create the thin pool: lvcreate --type thin-pool -L SIZE -n ${at.pool} ${at.vg})`);
  return createLvmVolumeDriver({ vg: at.vg, pool: at.pool, mountDir: dir, exec: runCommand });
}

async function startLogListener(
  listen: string | undefined,
  address: string,
  token: string | undefined,
  credential: HostCredentialFiles | undefined,
  runtimes: Runtime[],
  volumes: AgentVolumeOps,
  maintenance: AgentMaintenance,
  log: (line: string) => void,
) {
  try {
    return await startAgentHttp({
      listen: listen ?? `${address}:7071`,
      ...(credential ? { tls: { cert: credential.cert, key: credential.key, ca: credential.ca } } : { token }),
      runtimes,
      volumes,
      maintenance,
      log,
    });
  } catch (error) {
    if (listen !== undefined || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    log(`${address}:7071 is in use: "bubo logs" cannot reach this host; pass --agent-listen`);
    return null;
  }
}

/**
 * Who this agent registers as. Joined: the join token decided the group, labels and roles: a
 * contradicting `--group` is an error, `--label`s are merged under the token's, and a `--role`
 * the token did not give is an error (the server would refuse it). With the admin token: the flags.
 */
function whoAmI(options: HostAgentOptions, credential: HostCredentialFiles | undefined): { server: string; group: string; labels: Record<string, string>; roles: string[] } {
  if (credential) {
    if (options.group && options.group !== credential.group) {
      throw new DomainError('invalid_config', `--group ${options.group}: this host joined group ${credential.group} (its join token decides); drop --group`);
    }
    const extra = (options.roles ?? []).filter((r) => !credential.roles.includes(r));
    if (extra.length > 0) {
      throw new DomainError('invalid_config', `--role ${extra.join(', ')}: this host joined with roles [${credential.roles.join(', ')}]; roles come from the join token (bubo host join-token create --role)`);
    }
    return { server: options.server ?? credential.server, group: credential.group, labels: credential.labels, roles: credential.roles };
  }
  if (!options.token) throw new DomainError('invalid_config', 'bubo agent needs --join TOKEN --ca-fingerprint sha256:… (first start) or the admin --token');
  if (!options.server) throw new DomainError('invalid_config', 'bubo agent needs --server');
  if (!options.group) throw new DomainError('invalid_config', 'bubo agent needs --group with --token');
  return { server: options.server, group: options.group, labels: {}, roles: options.roles ?? [] };
}
