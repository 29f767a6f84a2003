import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command } from '../exec/command.js';
import type { CommandResult, Executor } from '../exec/run-command.js';
import { bridgeMac } from './bridge-commands.js';
import { vtepMac } from './vxlan-commands.js';
import { HostNetwork } from './host-network.js';
import { instanceHash } from './instance-hash.js';

/** A tiny model of the kernel's links and namespaces, enough to drive HostNetwork without root. */
function fakeKernel() {
  const links = new Map<string, { up: boolean; master?: string }>();
  const netns = new Set<string>();
  const log: string[] = [];
  const rulesets: string[] = [];
  const routes: { dst: string; gateway: string; prefsrc: string | undefined; flags: string[] }[] = [];
  const ok = (stdout = ''): CommandResult => ({ exitCode: 0, stdout, stderr: '' });
  /** What one command line does to the model (a batch line is one of these). */
  const apply = (a: readonly string[]) => {
    const line = a.join(' ');
    if (line.startsWith('ip route replace')) routes.push({ dst: a[3]!, gateway: a[5]!, prefsrc: a[a.indexOf('src') + 1], flags: [] });
    if (line.startsWith('ip route del')) routes.splice(routes.findIndex((r) => r.dst === a[3]), 1);
    if (line.startsWith('ip route flush')) routes.length = 0;
    // Like the kernel: a name that is taken fails the command (and the rest of its batch).
    const add = (names: Set<string> | Map<string, unknown>, name: string) => {
      if (names.has(name)) throw new Error(`${line}: File exists`);
      if (names instanceof Set) names.add(name);
      else links.set(name, { up: false });
    };
    if (line.startsWith('ip link add name') || line.startsWith('ip tuntap add')) add(links, a[4]!);
    if (line.startsWith('ip netns add')) add(netns, a[3]!);
    if (line.startsWith('ip netns del')) {
      netns.delete(a[3]!);
      links.delete(`bv${a[3]!.slice(-10)}`);
    }
    if (line.startsWith('ip link del')) links.delete(a[4]!);
    if (line.startsWith('ip link set dev') && a.includes('master')) links.set(a[4]!, { up: true, master: a[a.indexOf('master') + 1]! });
  };
  /** One process per call; `log` holds what ran, a batch as `ip … -batch - << line; line`. */
  const exec: Executor = async (command: Command) => {
    const a = command.argv;
    const line = a.join(' ');
    if (line === 'ip -j link show') return ok(JSON.stringify([...links].map(([ifname, l]) => ({ ifname, flags: l.up ? ['UP'] : [], master: l.master, mtu: 1500 }))));
    if (line === 'ip -j netns list') return ok(netns.size ? JSON.stringify([...netns].map((name) => ({ name }))) : '');
    if (line.startsWith('ip -j -4 addr show')) return ok('[]');
    if (line === 'ip -j -4 route show proto 176') return ok(JSON.stringify(routes));
    if (line.startsWith('bridge -j fdb show') || line.startsWith('ip -j -4 neigh show')) return ok('[]');
    if (a.includes('-batch')) {
      const lines = String(command.input).split('\n').filter(Boolean);
      log.push(`${line} << ${lines.join('; ')}`);
      const prefix = a[1] === '-n' ? ['ip', '-n', a[2]!] : ['ip'];
      for (const batched of lines) apply([...prefix, ...batched.split(' ')]);
      return ok();
    }
    log.push(line);
    if (command.input !== undefined) rulesets.push(String(command.input));
    apply(a);
    return ok();
  };
  return { exec, log, links, netns, rulesets, routes };
}

describe('HostNetwork (against a fake kernel)', () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'bubo-net-'));
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  const options = (exec: Executor) => ({ bridge: 'bubo0', subnet: '10.88.1.0/24', stateDir, exec });

  it('attaches a netns instance with exactly these commands', async () => {
    const kernel = fakeKernel();
    const network = await new HostNetwork(options(kernel.exec)).attach('web-1', 'netns');
    const h = instanceHash('web-1');
    expect(network).toEqual({
      instanceId: 'web-1',
      netnsPath: `/var/run/netns/bubo-${h}`,
      hostInterface: `bv${h}`,
      address: '10.88.1.2',
      prefixLength: 24,
      gateway: '10.88.1.1',
      dns: '10.88.1.1',
      mtu: 1500,
    });
    // Three processes: the host side in one batch, the namespace side in another, and the
    // ruleset, loaded alongside the devices.
    expect(kernel.log.filter((line) => line !== 'nft -f -')).toEqual([
      `ip -batch - << netns add bubo-${h}; link add name bv${h} mtu 1500 type veth peer name eth0 mtu 1500 netns bubo-${h}; link set dev bv${h} mtu 1500 master bubo0 up`,
      `ip -n bubo-${h} -batch - << addr add 10.88.1.2/24 dev eth0; link set dev lo up; link set dev eth0 up; route add default via 10.88.1.1 dev eth0`,
    ]);
    expect(kernel.log.filter((line) => line === 'nft -f -')).toHaveLength(1);
  });

  it('attaches a new instance whose device names are taken by leftovers: removed, then made again', async () => {
    const kernel = fakeKernel();
    const h = instanceHash('web-1');
    kernel.netns.add(`bubo-${h}`);
    kernel.links.set(`bv${h}`, { up: true, master: 'bubo0' });
    const host = new HostNetwork(options(kernel.exec));
    await host.attach('web-1', 'netns');
    expect(kernel.log).toContain(`ip netns del bubo-${h}`);
    expect(kernel.log.filter((line) => line.startsWith(`ip -n bubo-${h} -batch -`))).toHaveLength(1); // configured once, after the rebuild
    expect(await host.list()).toEqual(['web-1']);
    expect(await host.leakCheck()).toEqual({ netns: [], links: [] });
  });

  it('returns the same attachment on a second attach without touching devices', async () => {
    const kernel = fakeKernel();
    const host = new HostNetwork(options(kernel.exec));
    const first = await host.attach('web-1', 'tap');
    kernel.log.length = 0;
    expect(await host.attach('web-1', 'tap')).toEqual(first);
    expect(kernel.log).toEqual([]); // the ruleset is unchanged too
    expect(first.netnsPath).toBe('');
    expect(first.hostInterface).toBe(`bt${instanceHash('web-1')}`);
  });

  it('keeps reservations across a new HostNetwork over the same state dir', async () => {
    const kernel = fakeKernel();
    await new HostNetwork(options(kernel.exec)).attach('a', 'netns');
    await new HostNetwork(options(kernel.exec)).attach('b', 'tap');
    const again = new HostNetwork(options(kernel.exec));
    expect((await again.attach('c', 'netns')).address).toBe('10.88.1.4');
    expect(await again.list()).toEqual(['a', 'b', 'c']);
    const saved = JSON.parse(await readFile(join(stateDir, 'network.json'), 'utf8'));
    expect(Object.keys(saved.attachments)).toEqual(['a', 'b', 'c']);
  });

  it('hands a detached address out again, lowest first', async () => {
    const kernel = fakeKernel();
    const host = new HostNetwork(options(kernel.exec));
    await host.attach('a', 'netns');
    await host.attach('b', 'netns');
    await host.detach('a');
    expect((await host.attach('c', 'netns')).address).toBe('10.88.1.2');
  });

  it('rebuilds an attachment whose host device went missing, keeping its address', async () => {
    const kernel = fakeKernel();
    const host = new HostNetwork(options(kernel.exec));
    const first = await host.attach('a', 'netns');
    kernel.links.delete(first.hostInterface);
    expect(await host.list()).toEqual([]);
    expect(await host.attach('a', 'netns')).toEqual(first);
    expect(await host.list()).toEqual(['a']);
  });

  it('refuses to attach the same instance as another kind', async () => {
    const host = new HostNetwork(options(fakeKernel().exec));
    await host.attach('a', 'netns');
    await expect(host.attach('a', 'tap')).rejects.toThrow(/Cannot attach instance a as tap: it is attached as netns; detach it first/);
  });

  it('detaches unknown instances without error', async () => {
    const kernel = fakeKernel();
    await new HostNetwork(options(kernel.exec)).detach('never-attached');
    expect(kernel.log).toEqual([]);
  });

  it('reports bubo devices that no attachment owns as leaks', async () => {
    const kernel = fakeKernel();
    const host = new HostNetwork(options(kernel.exec));
    await host.attach('a', 'netns');
    kernel.links.set('bt0123456789', { up: true });
    kernel.netns.add('bubo-0123456789');
    kernel.netns.add('other-ns');
    expect(await host.leakCheck()).toEqual({ netns: ['bubo-0123456789'], links: ['bt0123456789'] });
  });

  it('refuses a different subnet while attachments of the old one exist', async () => {
    const kernel = fakeKernel();
    await new HostNetwork(options(kernel.exec)).attach('a', 'netns');
    const moved = new HostNetwork({ ...options(kernel.exec), subnet: '10.88.2.0/24' });
    await expect(moved.attach('b', 'netns')).rejects.toThrow(/holds attachments in 10\.88\.1\.0\/24/);
  });

  it('creates the bridge, its address, forwarding and the ruleset on a bare host', async () => {
    const kernel = fakeKernel();
    await new HostNetwork({ ...options(kernel.exec), mtu: 1450 }).setupHost();
    expect(kernel.log).toEqual([
      `ip link add name bubo0 address ${bridgeMac('bubo0')} mtu 1450 type bridge`,
      'ip link set dev bubo0 up',
      'ip addr add 10.88.1.1/24 dev bubo0',
      'sysctl -w net.ipv4.ip_forward=1',
      'nft -f -',
    ]);
  });

  it('tears the host down once nothing is attached: the bridge and both nftables tables, idempotently', async () => {
    const kernel = fakeKernel();
    const host = new HostNetwork(options(kernel.exec));
    await host.setupHost();
    await host.attach('web-1', 'tap');
    await expect(host.teardownHost()).rejects.toThrow(/Cannot remove bridge bubo0: instances web-1 are still attached/);
    expect(kernel.links.has('bubo0')).toBe(true);
    await host.detach('web-1');
    kernel.log.length = 0;
    await host.teardownHost();
    expect(kernel.log).toEqual(['ip link del dev bubo0', 'ip route flush proto 176', 'nft -f -']);
    expect(kernel.links.has('bubo0')).toBe(false);
    kernel.log.length = 0;
    await host.teardownHost();
    expect(kernel.log).toEqual(['ip route flush proto 176', 'nft -f -']);
  });

  const view = (hosts: { name: string; address: string; subnet: string }[], namespaces: Record<string, string[]> = {}) => ({ hosts, namespaces });
  const h1 = { name: 'h1', address: '192.0.2.1', subnet: '10.88.1.0/24' };
  const h2 = { name: 'h2', address: '192.0.2.2', subnet: '10.88.2.0/24' };
  const h3 = { name: 'h3', address: '192.0.2.3', subnet: '10.88.3.0/24' };

  it('keeps one route per other host as the cluster changes, and the allow-list with it', async () => {
    const kernel = fakeKernel();
    const host = new HostNetwork({ ...options(kernel.exec), address: '192.0.2.1' });
    await host.setupHost();
    await host.attach('web-1', 'netns');
    kernel.log.length = 0;
    expect(await host.setPeers(view([h1, h2, h3], { default: ['10.88.2.5'] }))).toEqual([]);
    expect(kernel.log).toEqual(['nft -f -', 'ip route replace 10.88.2.0/24 via 192.0.2.2 src 192.0.2.1 proto 176', 'ip route replace 10.88.3.0/24 via 192.0.2.3 src 192.0.2.1 proto 176']);
    // Only the sets' elements change: the hosts, and the namespace's peers on other hosts.
    expect(kernel.rulesets.at(-1)).toBe('add element ip bubo hosts { 192.0.2.1, 192.0.2.2, 192.0.2.3 }\nadd element ip bubo ns0_peers { 10.88.2.5 }\n');
    // The same view again: nothing runs but the reads.
    kernel.log.length = 0;
    await host.setPeers(view([h1, h2, h3], { default: ['10.88.2.5'] }));
    expect(kernel.log).toEqual([]);
    // h3 leaves.
    await host.setPeers(view([h1, h2], { default: ['10.88.2.5'] }));
    expect(kernel.log).toEqual(['nft -f -', 'ip route del 10.88.3.0/24 proto 176']);
  });

  it('sets the routes of the last known cluster up with the host (an agent restart without the server)', async () => {
    const kernel = fakeKernel();
    await new HostNetwork({ ...options(kernel.exec), address: '192.0.2.1', cluster: view([h1, h2]) }).setupHost();
    expect(kernel.log.at(-1)).toBe('ip route replace 10.88.2.0/24 via 192.0.2.2 src 192.0.2.1 proto 176');
    expect(kernel.rulesets.at(-1)).toContain('set hosts { type ipv4_addr; elements = { 192.0.2.1, 192.0.2.2 } }');
  });

  it('applies an attach as set elements, and the whole ruleset again when nft refuses the change (a table deleted by hand)', async () => {
    const kernel = fakeKernel();
    let tableGone = false;
    const exec: Executor = async (command) => {
      if (tableGone && String(command.input ?? '').startsWith('add element')) throw new Error('nft -f - exited with 1: Error: No such file or directory');
      return kernel.exec(command);
    };
    const host = new HostNetwork(options(exec));
    await host.setupHost();
    await host.attach('web-1', 'netns');
    await host.attach('web-2', 'netns');
    expect(kernel.rulesets.at(-1)).toBe('add element ip bubo ns0_local { 10.88.1.3 }\nadd element ip bubo ns0_peers { 10.88.1.3 }\n');
    tableGone = true;
    await host.attach('web-3', 'netns');
    expect(kernel.rulesets.at(-1)).toContain('set ns0_local { type ipv4_addr; elements = { 10.88.1.2, 10.88.1.3, 10.88.1.4 } }');
  });

  it('reports a route the kernel refuses and applies the others', async () => {
    const kernel = fakeKernel();
    const refusing: Executor = async (command) => {
      if (command.argv.includes('192.0.2.2')) throw new Error('Command failed: ip route replace 10.88.2.0/24 via 192.0.2.2: Nexthop has invalid gateway');
      return kernel.exec(command);
    };
    const host = new HostNetwork({ ...options(refusing), address: '192.0.2.1' });
    expect(await host.setPeers(view([h2, h3]))).toEqual(['Command failed: ip route replace 10.88.2.0/24 via 192.0.2.2: Nexthop has invalid gateway']);
    expect(kernel.routes.map((r) => r.dst)).toEqual(['10.88.3.0/24']);
  });

  it('under VXLAN: a device on the host address, MTU 1450 on the bridge and instances, peers through the device', async () => {
    const kernel = fakeKernel();
    const host = new HostNetwork({ ...options(kernel.exec), address: '192.0.2.1', overlay: 'vxlan' });
    await host.setupHost();
    expect(kernel.log).toEqual([
      `ip link add name bubo0 address ${bridgeMac('bubo0')} mtu 1450 type bridge`,
      'ip link set dev bubo0 up',
      'ip addr add 10.88.1.1/24 dev bubo0',
      'sysctl -w net.ipv4.ip_forward=1',
      `ip link add name bubo0-vx address ${vtepMac('10.88.1.0/24')} mtu 1450 type vxlan id 8842 local 192.0.2.1 dstport 4789 nolearning`,
      'ip link set dev bubo0-vx up',
      'nft -f -',
    ]);
    expect((await host.attach('web-1', 'netns')).mtu).toBe(1450);
    kernel.log.length = 0;
    await host.setPeers(view([h1, h2]));
    const m2 = vtepMac('10.88.2.0/24');
    expect(kernel.log).toEqual([
      'nft -f -',
      `bridge fdb append ${m2} dev bubo0-vx dst 192.0.2.2`,
      `ip neigh replace 10.88.2.1 lladdr ${m2} dev bubo0-vx nud permanent`,
      'ip route replace 10.88.2.0/24 via 10.88.2.1 dev bubo0-vx onlink src 192.0.2.1 proto 176',
    ]);
    kernel.log.length = 0;
    await host.detach('web-1');
    await host.teardownHost();
    expect(kernel.log.slice(-4)).toEqual(['ip link del dev bubo0', 'ip link del dev bubo0-vx', 'ip route flush proto 176', 'nft -f -']);
  });

  it('refuses VXLAN without the host address', () => {
    expect(() => new HostNetwork({ ...options(fakeKernel().exec), overlay: 'vxlan' })).toThrow(/VXLAN overlay needs the host address/);
  });
});
