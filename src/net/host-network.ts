import { ConflictError } from '../errors/conflict-error.js';
import type { Command } from '../exec/command.js';
import type { Executor } from '../exec/run-command.js';
import { allocateAddress } from './allocate-address.js';
import { addBridge, addBridgeAddress, enableIpv4Forwarding, forgetNeighbour, listBridgeAddresses } from './bridge-commands.js';
import { instanceHash } from './instance-hash.js';
import { ipBatch } from './ip-batch.js';
import { type ClusterView, EMPTY_CLUSTER_VIEW, type Overlay } from './cluster-view.js';
import { type LinkState, parseAddresses, parseFdb, parseLinks, parseNeighbours, parseNetnsList, parseRoutes } from './ip-json.js';
import { type Ipv4Subnet, parseIpv4Subnet } from './ipv4-subnet.js';
import { deleteLink, enslaveLink, listLinks, setLinkMtu, setLinkUp } from './link-commands.js';
import { addNetns, deleteNetns, listNetns } from './netns-commands.js';
import type { InstanceNetwork, NetworkProvider } from './network-provider.js';
import { type AttachmentRecord, loadNetworkState, type NetworkState, saveNetworkState } from './network-state-file.js';
import { applyRuleset, planRuleset, type Ruleset, removeRuleset } from './nft-ruleset.js';
import { rulesetChange } from './ruleset-change.js';
import { planPeerSync } from './plan-peer-sync.js';
import { flushPeerRoutes, listPeerRoutes } from './route-commands.js';
import { addTap } from './tap-commands.js';
import { addVethPair, configureInstanceInterface } from './veth-commands.js';
import { addVxlan, listFdb, listNeighbours, VXLAN_MTU, vtepMac, vxlanDeviceName } from './vxlan-commands.js';

export interface HostNetworkOptions {
  /** Bridge name, e.g. `bubo0` (at most 15 characters). */
  bridge: string;
  /** The host's instance subnet from registration, e.g. `10.88.1.0/24`; `.1` goes on the bridge. */
  subnet: string;
  /** Where `network.json` (the address reservations) lives; survives agent restarts. */
  stateDir: string;
  exec: Executor;
  /** MTU of the bridge and every instance interface. Default 1500, and 1450 under VXLAN. */
  mtu?: number;
  /** How other hosts' subnets are reached (default `routes`); `vxlan` needs `address`. */
  overlay?: Overlay;
  /** This host's registered address: the source of its traffic to other hosts' instances, the VXLAN local end. */
  address?: string;
  /** The cluster as last known (e.g. from the saved catalog), until `setPeers` says otherwise. */
  cluster?: ClusterView;
  /** Prefix of instance namespace names. Default `bubo-`. */
  netnsPrefix?: string;
  /** Destinations reached without masquerade (other hosts' instances). Default: `subnet` only. */
  clusterCidr?: string;
}

/** Host-side device names: veths `bv<hash>`, taps `bt<hash>` (12 characters, under the 15 limit). */
const DEVICE_NAME = /^b[vt][0-9a-f]{10}$/;

interface Observed {
  links: Map<string, LinkState>;
  netns: Set<string>;
}

/**
 * Linux host networking for instances: the bridge, forwarding and nftables (`setupHost`), and
 * one netns+veth or tap per instance. Every system command goes through `exec`; address
 * reservations go to the state file first, so a crash mid-attach leaves an owned, repairable
 * half-attachment rather than a leak. Operations run one at a time.
 */
export class HostNetwork implements NetworkProvider {
  readonly #bridge: string;
  readonly #subnet: Ipv4Subnet;
  readonly #stateDir: string;
  readonly #exec: Executor;
  readonly #mtu: number;
  readonly #netnsPrefix: string;
  readonly #clusterCidr: string;
  readonly #overlay: Overlay;
  readonly #address: string | undefined;
  #cluster: ClusterView;
  /** The ruleset last applied by this process: the next one is applied as a change from it. */
  #applied: Ruleset | undefined;
  readonly #namespacesSeen = new Set<string>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: HostNetworkOptions) {
    if (options.bridge.length > 15) throw new ConflictError(`Bridge name "${options.bridge}" is longer than the 15 characters Linux allows`);
    this.#bridge = options.bridge;
    this.#subnet = parseIpv4Subnet(options.subnet);
    this.#stateDir = options.stateDir;
    this.#exec = options.exec;
    this.#overlay = options.overlay ?? 'routes';
    if (this.#overlay === 'vxlan' && !options.address) throw new ConflictError('The VXLAN overlay needs the host address (its local end)');
    this.#address = options.address;
    this.#cluster = options.cluster ?? EMPTY_CLUSTER_VIEW;
    this.#mtu = options.mtu ?? (this.#overlay === 'vxlan' ? VXLAN_MTU : 1500);
    this.#netnsPrefix = options.netnsPrefix ?? 'bubo-';
    this.#clusterCidr = options.clusterCidr ?? this.#subnet.cidr;
  }

  setupHost(): Promise<void> {
    return this.#serial(async () => {
      const { links } = await this.#observe();
      const bridge = links.get(this.#bridge);
      if (!bridge) await this.#exec(addBridge(this.#bridge, this.#mtu));
      // A bridge made for another overlay keeps its MTU otherwise (new instances get this one).
      else if (bridge.mtu !== this.#mtu) await this.#exec(setLinkMtu(this.#bridge, this.#mtu));
      if (!bridge?.up) await this.#exec(setLinkUp(this.#bridge));
      const gateway = `${this.#subnet.gateway}/${this.#subnet.prefixLength}`;
      const addresses = parseAddresses((await this.#exec(listBridgeAddresses(this.#bridge))).stdout);
      if (!addresses.includes(gateway)) await this.#exec(addBridgeAddress(this.#bridge, this.#subnet.gateway, this.#subnet.prefixLength));
      await this.#exec(enableIpv4Forwarding());
      await this.#setupVxlan(links);
      await this.#applyRuleset(await this.#load(), { full: true });
      await this.#syncPeers();
    });
  }

  /**
   * Brings routes (or VXLAN entries) and the nftables allow-list in step with the cluster: one
   * route per other host's subnet, none for hosts that left, and namespace isolation over every
   * host's instances. Idempotent: an unchanged view runs only the reads. Returns the commands
   * that failed (e.g. a host address not reachable on any local network), each with its reason;
   * the others are applied anyway.
   */
  setPeers(view: ClusterView): Promise<string[]> {
    return this.#serial(async () => {
      this.#cluster = view;
      await this.#applyRuleset(await this.#load());
      return this.#syncPeers();
    });
  }

  /**
   * Undoes `setupHost` once no instance is attached: deletes the bridge and bubo's nftables
   * tables (`bubo up` on Ctrl-C, `--drain-on-exit`). Refuses while attachments remain, since
   * their instances still use both. Idempotent. IP forwarding stays on: other software may rely on it.
   */
  teardownHost(): Promise<void> {
    return this.#serial(async () => {
      const left = Object.keys((await this.#load()).attachments);
      if (left.length > 0) throw new ConflictError(`Cannot remove bridge ${this.#bridge}: instances ${left.join(', ')} are still attached to it`);
      const { links } = await this.#observe();
      if (links.has(this.#bridge)) await this.#exec(deleteLink(this.#bridge));
      if (links.has(this.#vxlanDevice)) await this.#exec(deleteLink(this.#vxlanDevice));
      await this.#exec(flushPeerRoutes());
      await this.#exec(removeRuleset());
      this.#applied = undefined;
    });
  }

  /**
   * Idempotent: the same id gets the same address and names; devices found broken (missing,
   * detached from the bridge, down) are rebuilt. `namespace` (default `default`) decides which
   * other instances on this host it may reach.
   */
  attach(instanceId: string, kind: 'netns' | 'tap', namespace = 'default'): Promise<InstanceNetwork> {
    return this.#serial(async () => {
      const state = await this.#load();
      let record = state.attachments[instanceId];
      const fresh = record === undefined;
      if (record && record.kind !== kind) {
        throw new ConflictError(`Cannot attach instance ${instanceId} as ${kind}: it is attached as ${record.kind}; detach it first`);
      }
      if (!record || record.namespace !== namespace) {
        record = record ? { ...record, namespace } : this.#reserve(state, instanceId, kind, namespace);
        state.attachments[instanceId] = record;
        await saveNetworkState(this.#stateDir, state);
      }
      const attached = record;
      const rebuild = async () => {
        await this.#removeDevices(attached.hash, await this.#observe());
        await this.#createDevices(attached);
      };
      const repair = async () => {
        if (!this.#isIntact(attached, await this.#observe())) await rebuild();
      };
      // A new reservation has no devices yet (the record is saved before any are made and removed
      // after they are gone), so it skips looking; should something be in the way all the same,
      // the failed creation is undone and done again. The ruleset names the bridge and addresses,
      // not the new devices, so it loads alongside.
      const devices = fresh ? this.#createDevices(attached).catch(rebuild) : repair();
      const steps = await Promise.allSettled([devices, this.#applyRuleset(state)]);
      for (const step of steps) if (step.status === 'rejected') throw step.reason;
      return this.#describe(instanceId, record);
    });
  }

  /** Removes the instance's namespace, veth or tap, and its address; unknown ids are a no-op. */
  detach(instanceId: string): Promise<void> {
    return this.#serial(async () => {
      const state = await this.#load();
      await this.#removeDevices(state.attachments[instanceId]?.hash ?? instanceHash(instanceId), await this.#observe());
      const freed = state.attachments[instanceId];
      if (freed) {
        await this.#exec(forgetNeighbour(this.#bridge, freed.address)).catch(() => {}); // often none
        delete state.attachments[instanceId];
        await saveNetworkState(this.#stateDir, state);
        await this.#applyRuleset(state);
      }
    });
  }

  /**
   * Instance ids whose attachment is recorded and intact. A recorded but broken attachment (e.g.
   * after a reboot) keeps its address reserved until `attach` repairs it or `detach` frees it.
   */
  list(): Promise<string[]> {
    return this.#serial(async () => {
      const state = await this.#load();
      const observed = await this.#observe();
      return Object.entries(state.attachments)
        .filter(([, record]) => this.#isIntact(record, observed))
        .map(([id]) => id)
        .sort();
    });
  }

  /** bubo-named namespaces and host devices that no recorded attachment owns. */
  leakCheck(): Promise<{ netns: string[]; links: string[] }> {
    return this.#serial(async () => {
      const state = await this.#load();
      const observed = await this.#observe();
      const owned = new Set(Object.values(state.attachments).flatMap((r) => this.#deviceNames(r)));
      return {
        netns: [...observed.netns].filter((n) => n.startsWith(this.#netnsPrefix) && !owned.has(n)).sort(),
        links: [...observed.links.keys()].filter((l) => DEVICE_NAME.test(l) && !owned.has(l)).sort(),
      };
    });
  }

  #reserve(state: NetworkState, instanceId: string, kind: 'netns' | 'tap', namespace: string): AttachmentRecord {
    const hash = instanceHash(instanceId);
    const clash = Object.entries(state.attachments).find(([, r]) => r.hash === hash);
    if (clash) throw new ConflictError(`Cannot attach instance ${instanceId}: its device hash ${hash} collides with instance ${clash[0]}`);
    const address = allocateAddress(this.#subnet, Object.values(state.attachments).map((r) => r.address));
    return { kind, hash, address, namespace };
  }

  #isIntact(record: AttachmentRecord, observed: Observed): boolean {
    const link = observed.links.get(this.#hostLink(record));
    const onBridge = link?.up === true && link.master === this.#bridge;
    return record.kind === 'tap' ? onBridge : onBridge && observed.netns.has(this.#netns(record.hash));
  }

  /**
   * The devices of one attachment, as two `ip -batch` processes (host side, then inside the
   * namespace) rather than one `ip` per step: process starts were most of an attach's time.
   */
  async #createDevices(record: AttachmentRecord): Promise<void> {
    const hostLink = this.#hostLink(record);
    const commands: Command[] = [];
    if (record.kind === 'tap') {
      commands.push(addTap(hostLink));
    } else {
      const netns = this.#netns(record.hash);
      commands.push(addNetns(netns), addVethPair(hostLink, netns, this.#mtu));
    }
    commands.push(enslaveLink(hostLink, this.#bridge, this.#mtu));
    if (record.kind === 'netns') {
      const config = { netns: this.#netns(record.hash), address: record.address, prefixLength: this.#subnet.prefixLength, gateway: this.#subnet.gateway };
      commands.push(...configureInstanceInterface(config));
    }
    for (const command of ipBatch(commands)) await this.#exec(command);
  }

  /** Deletes whatever exists of an attachment's devices; missing pieces are skipped. */
  async #removeDevices(hash: string, observed: Observed): Promise<void> {
    const netns = this.#netns(hash);
    if (observed.netns.has(netns)) await this.#exec(deleteNetns(netns));
    for (const link of [`bv${hash}`, `bt${hash}`]) {
      // Deleting the namespace takes the veth's host end with it, asynchronously: the link can
      // vanish between looking and deleting, so a failed delete counts when the link is gone.
      if (!observed.links.has(link) || !(await this.#observe()).links.has(link)) continue;
      try {
        await this.#exec(deleteLink(link));
      } catch (error) {
        if ((await this.#observe()).links.has(link)) throw error;
      }
    }
  }

  #describe(instanceId: string, record: AttachmentRecord): InstanceNetwork {
    return {
      instanceId,
      netnsPath: record.kind === 'netns' ? `/var/run/netns/${this.#netns(record.hash)}` : '',
      hostInterface: this.#hostLink(record),
      address: record.address,
      prefixLength: this.#subnet.prefixLength,
      gateway: this.#subnet.gateway,
      dns: this.#subnet.gateway,
      mtu: this.#mtu,
    };
  }

  /**
   * Applies the ruleset for `state` and the cluster view: as element changes when this process
   * applied the previous one (an attach then costs one quick nft commit), the whole text the
   * first time, when the rules' shape changes, with `full` (setting the host up restores a
   * hand-edited table), or when a change is refused (e.g. the table was deleted by hand).
   */
  async #applyRuleset(state: NetworkState, options: { full?: boolean } = {}): Promise<void> {
    // Every namespace attached since this process started keeps its sets, empty or not, so the
    // rules' shape stays put as instances come and go (the first of a namespace costs a whole apply).
    for (const record of Object.values(state.attachments)) this.#namespacesSeen.add(record.namespace);
    const namespaces = new Map<string, string[]>([...this.#namespacesSeen].map((n) => [n, []]));
    for (const record of Object.values(state.attachments)) {
      namespaces.set(record.namespace, [...(namespaces.get(record.namespace) ?? []), record.address]);
    }
    const next = planRuleset({
      subnet: this.#subnet.cidr,
      clusterCidr: this.#clusterCidr,
      namespaces,
      bridge: this.#bridge,
      hostAddresses: this.#cluster.hosts.map((h) => h.address),
      clusterNamespaces: this.#cluster.namespaces,
    });
    const applied = options.full ? undefined : this.#applied;
    const change = rulesetChange(applied, next);
    this.#applied = undefined; // unknown until this apply succeeds
    if (change !== undefined) {
      try {
        await this.#exec(applyRuleset(change));
      } catch (error) {
        if (change === next.text) throw error;
        await this.#exec(applyRuleset(next.text));
      }
    }
    this.#applied = next;
  }

  get #vxlanDevice(): string {
    return vxlanDeviceName(this.#bridge);
  }

  /** Under VXLAN: the device exists, up; under routes: a device left from VXLAN is removed. */
  async #setupVxlan(links: Map<string, LinkState>): Promise<void> {
    const device = links.get(this.#vxlanDevice);
    if (this.#overlay !== 'vxlan') {
      if (device) await this.#exec(deleteLink(this.#vxlanDevice));
      return;
    }
    if (!device) await this.#exec(addVxlan(this.#vxlanDevice, this.#address!, vtepMac(this.#subnet.cidr), VXLAN_MTU));
    if (!device?.up) await this.#exec(setLinkUp(this.#vxlanDevice));
  }

  async #syncPeers(): Promise<string[]> {
    const vxlan = this.#overlay === 'vxlan';
    const routes = parseRoutes((await this.#exec(listPeerRoutes())).stdout);
    const fdb = vxlan ? parseFdb((await this.#exec(listFdb(this.#vxlanDevice))).stdout) : [];
    const neighbours = vxlan ? parseNeighbours((await this.#exec(listNeighbours(this.#vxlanDevice))).stdout) : [];
    const commands = planPeerSync({
      self: { subnet: this.#subnet.cidr, address: this.#address ?? '' },
      hosts: this.#cluster.hosts,
      overlay: this.#overlay,
      vxlanDevice: this.#vxlanDevice,
      actual: { routes, fdb, neighbours },
    });
    const failed: string[] = [];
    for (const command of commands) {
      try {
        await this.#exec(command);
      } catch (error) {
        failed.push((error as Error).message);
      }
    }
    return failed;
  }

  async #observe(): Promise<Observed> {
    const [linkList, netnsList] = await Promise.all([this.#exec(listLinks()), this.#exec(listNetns())]);
    const links = parseLinks(linkList.stdout);
    const netns = parseNetnsList(netnsList.stdout);
    return { links: new Map(links.map((l) => [l.name, l])), netns: new Set(netns) };
  }

  async #load(): Promise<NetworkState> {
    const state = await loadNetworkState(this.#stateDir, this.#subnet.cidr);
    if (state.subnet !== this.#subnet.cidr) {
      if (Object.keys(state.attachments).length > 0) {
        throw new ConflictError(
          `Cannot use subnet ${this.#subnet.cidr}: ${this.#stateDir}/network.json holds attachments in ${state.subnet}; detach those instances first`,
        );
      }
      return { version: 1, subnet: this.#subnet.cidr, attachments: {} };
    }
    return state;
  }

  #deviceNames(record: AttachmentRecord): string[] {
    return record.kind === 'tap' ? [this.#hostLink(record)] : [this.#hostLink(record), this.#netns(record.hash)];
  }

  #hostLink(record: AttachmentRecord): string {
    return `${record.kind === 'tap' ? 'bt' : 'bv'}${record.hash}`;
  }

  #netns(hash: string): string {
    return `${this.#netnsPrefix}${hash}`;
  }

  #serial<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(operation, operation);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}
