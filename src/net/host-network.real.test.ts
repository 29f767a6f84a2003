import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cmd } from '../exec/command.js';
import { type Executor, runCommand } from '../exec/run-command.js';
import { HostNetwork } from './host-network.js';

/**
 * Runs HostNetwork for real, with a throwaway network namespace standing in for the host: every
 * command is wrapped in `nsenter --net=…` (not `ip netns exec`, whose private mount namespace
 * would lose the bind mounts `ip netns add` makes). Instance namespaces are global but carry
 * this run's unique prefix; afterAll deletes all of them, and the "host" with its bridge.
 */
const isRoot = process.getuid?.() === 0;
const run = randomBytes(3).toString('hex');
const hostNs = `bubotest-${run}`;
const netnsPrefix = `bubotest-${run}-`;
const inHost: Executor = (command, signal) => runCommand({ ...command, argv: ['nsenter', `--net=/var/run/netns/${hostNs}`, ...command.argv] }, signal);

/** Three tries: the first packet after a port joins the bridge can be lost on a loaded machine. */
async function pings(fromNetnsPath: string, address: string): Promise<boolean> {
  const netns = fromNetnsPath.split('/').pop()!;
  for (let attempt = 0; attempt < 3; attempt++) {
    const result = await runCommand({ argv: ['ip', 'netns', 'exec', netns, 'busybox', 'ping', '-c1', '-W1', address], okExitCodes: [1] });
    if (result.exitCode === 0) return true;
  }
  return false;
}

/** The ruleset without handles, which change on every apply. */
async function ruleset(): Promise<unknown> {
  const { stdout } = await inHost(cmd('nft', '-j', 'list', 'ruleset'));
  return JSON.parse(stdout, (key, value) => (key === 'handle' ? undefined : value));
}

async function bridges(): Promise<string[]> {
  const { stdout } = await inHost(cmd('ip', '-j', 'link', 'show', 'type', 'bridge'));
  return (JSON.parse(stdout) as { ifname: string }[]).map((l) => l.ifname);
}

describe.skipIf(!isRoot)('HostNetwork on a real (throwaway) host namespace', { timeout: 30_000 }, () => {
  let stateDir: string;
  const options = () => ({ bridge: 'bubo0', subnet: '10.88.1.0/24', clusterCidr: '10.88.0.0/16', stateDir, exec: inHost, netnsPrefix });

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'bubo-net-real-'));
    await runCommand(cmd('ip', 'netns', 'add', hostNs));
  });

  afterAll(async () => {
    const { stdout } = await runCommand(cmd('ip', '-j', 'netns', 'list'));
    const names = stdout.trim() ? (JSON.parse(stdout) as { name: string }[]).map((n) => n.name) : [];
    for (const name of names.filter((n) => n === hostNs || n.startsWith(netnsPrefix))) {
      await runCommand({ argv: ['ip', 'netns', 'del', name], okExitCodes: [1] });
    }
    await rm(stateDir, { recursive: true, force: true });
  });

  it('sets the host up idempotently: one bridge, one ruleset, forwarding on', async () => {
    const host = new HostNetwork(options());
    await host.setupHost();
    const first = await ruleset();
    await host.setupHost();
    await host.setupHost();
    expect(await ruleset()).toEqual(first);
    expect(JSON.stringify(first).match(/"table":\{"family":"ip","name":"bubo"/g)).toHaveLength(1);
    expect(await bridges()).toEqual(['bubo0']);
    expect((await inHost(cmd('sysctl', '-n', 'net.ipv4.ip_forward'))).stdout.trim()).toBe('1');
    const { stdout } = await inHost(cmd('ip', '-j', '-4', 'addr', 'show', 'dev', 'bubo0'));
    expect(stdout).toContain('"local":"10.88.1.1","prefixlen":24');
  });

  it('connects instances of one namespace to each other and to the bridge, but not across namespaces', async () => {
    const host = new HostNetwork(options());
    const a = await host.attach('shop-web-1', 'netns', 'shop');
    const b = await host.attach('shop-web-2', 'netns', 'shop');
    const c = await host.attach('blog-web-1', 'netns', 'blog');
    const d = await host.attach('shop-vm-1', 'tap', 'shop');
    expect([a.address, b.address, c.address, d.address]).toEqual(['10.88.1.2', '10.88.1.3', '10.88.1.4', '10.88.1.5']);
    expect(await pings(a.netnsPath, '10.88.1.1')).toBe(true);
    expect(await pings(a.netnsPath, b.address)).toBe(true);
    expect(await pings(b.netnsPath, a.address)).toBe(true);
    expect(await pings(c.netnsPath, '10.88.1.1')).toBe(true);
    expect(await pings(a.netnsPath, c.address)).toBe(false);
    expect(await pings(c.netnsPath, b.address)).toBe(false);
    // A later attach is applied as set elements only: the same isolation holds for it.
    const e = await host.attach('blog-web-2', 'netns', 'blog');
    expect(await pings(e.netnsPath, c.address)).toBe(true);
    expect(await pings(e.netnsPath, a.address)).toBe(false);
    expect(await pings(a.netnsPath, e.address)).toBe(false);
    await host.detach('blog-web-2');
    expect(await host.list()).toEqual(['blog-web-1', 'shop-vm-1', 'shop-web-1', 'shop-web-2']);
    expect(await host.leakCheck()).toEqual({ netns: [], links: [] });
  });

  it('repairs drift: a deleted or edited table, a bridge down without its address, forwarding off', async () => {
    const host = new HostNetwork(options());
    const before = await ruleset();
    await inHost(cmd('nft', 'delete', 'table', 'bridge', 'bubo'));
    await inHost(cmd('nft', 'add', 'rule', 'ip', 'bubo', 'postrouting', 'counter'));
    await inHost(cmd('ip', 'addr', 'flush', 'dev', 'bubo0'));
    await inHost(cmd('ip', 'link', 'set', 'dev', 'bubo0', 'down'));
    await inHost(cmd('sysctl', '-w', 'net.ipv4.ip_forward=0'));
    await host.setupHost();
    expect(await ruleset()).toEqual(before);
    expect((await inHost(cmd('sysctl', '-n', 'net.ipv4.ip_forward'))).stdout.trim()).toBe('1');
    const shop = await host.attach('shop-web-1', 'netns', 'shop');
    expect(await pings(shop.netnsPath, '10.88.1.1')).toBe(true);
  });

  it('re-adopts existing attachments from the state dir in a new HostNetwork', async () => {
    const host = new HostNetwork(options());
    expect(await host.list()).toEqual(['blog-web-1', 'shop-vm-1', 'shop-web-1', 'shop-web-2']);
    const again = await host.attach('shop-web-2', 'netns', 'shop');
    expect(again.address).toBe('10.88.1.3');
    expect(await pings(again.netnsPath, '10.88.1.2')).toBe(true);
  });

  it('lets instances talk once they are moved into the same namespace', async () => {
    const host = new HostNetwork(options());
    const blog = await host.attach('blog-web-1', 'netns', 'shop');
    expect(blog.address).toBe('10.88.1.4');
    expect(await pings(blog.netnsPath, '10.88.1.2')).toBe(true);
  });

  it('detaches everything, twice without error, and leaves no leftovers', async () => {
    const host = new HostNetwork(options());
    for (const id of await host.list()) await host.detach(id);
    await host.detach('shop-web-1');
    expect(await host.list()).toEqual([]);
    expect(await host.leakCheck()).toEqual({ netns: [], links: [] });
    const { stdout } = await runCommand(cmd('ip', 'netns', 'list'));
    expect(stdout).not.toContain(netnsPrefix);
    const { stdout: links } = await inHost(cmd('ip', '-j', 'link', 'show'));
    expect(links).not.toMatch(/"ifname":"b[vt][0-9a-f]{10}"/);
    expect(JSON.parse(await readFile(join(stateDir, 'network.json'), 'utf8')).attachments).toEqual({});
  });
});
