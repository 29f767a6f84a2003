import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceView } from '../../src/api/app-status.js';
import { ClusterHarness } from '../support/cluster-harness.js';
import { qemusUnder } from '../support/host-processes.js';
import { waitFor } from '../support/server-process.js';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
const hasQemu = existsSync('/usr/bin/qemu-system-x86_64') && existsSync('/dev/net/tun');
const PUBLIC_HOST = 'web.example.com';
const VM_PUBLIC_HOST = 'vm.example.com';
/** The host that also offers QEMU microVMs (not the lb host, so the load balancer reaches it across hosts). */
const VM_HOST = 2;

/**
 * The web app's page `/cgi-bin/peer` answers "<the connecting address> <its hostname, the
 * instance id>": busybox httpd gives a CGI the peer as REMOTE_ADDR, so the test sees whether a
 * source address survived the trip. `/cgi-bin/big` sends 200 KB (full-size packets).
 */
const WEB_COMMAND = String.raw`mkdir -p /www/cgi-bin && printf '%s\n' '#!/bin/sh' 'echo Content-Type: text/plain' 'echo' 'echo "$REMOTE_ADDR $(hostname)"' > /www/cgi-bin/peer && printf '%s\n' '#!/bin/sh' 'echo Content-Type: text/plain' 'echo' 'dd if=/dev/zero bs=1024 count=200 2>/dev/null | tr "\000" x' > /www/cgi-bin/big && chmod 755 /www/cgi-bin/peer /www/cgi-bin/big && exec /bin/entry.sh`;

function task(options: { app: string; namespace?: string; count: number; image: string; web?: boolean; redis?: boolean; group: string }): string {
  const container = options.redis
    ? `[[containers]]\nname = "redis"\nimage = "${options.image}"\n\n[[ports]]\nname = "redis"\nport = 6379\n\n[check]\ntcp = { port = "redis" }\ninterval = "1s"\ntimeout = "800ms"\n`
    : `[[containers]]\nname = "web"\nimage = "${options.image}"\n${options.web ? `command = ["/bin/sh", "-c", '''${WEB_COMMAND}''']\n` : ''}\n[[ports]]\nname = "http"\nport = 80\n${options.web ? `public = { host = "${PUBLIC_HOST}" }\n` : ''}\n[check]\nhttp = { port = "http", path = "/healthz", expect = "ok" }\ninterval = "1s"\ntimeout = "800ms"\n`;
  return `app = "${options.app}"\nnamespace = "${options.namespace ?? 'default'}"\ngroup = "${options.group}"\ncount = ${options.count}\nruntime = "container"\n\n[resources]\ncpus = 0.2\nmemory = "32MiB"\ndisk = "32MiB"\n\n${container}`;
}

/**
 * What the microVM's `reach` container does, every 2 s: looks up web's instances through the
 * cluster DNS (SRV: one `<instance-id>.bubo.internal` target each) and fetches /cgi-bin/peer
 * from each by that name, then once by the app's name. Its log lines (`by-name <target> <peer>
 * <id>`) tell the test which instances the VM reached and from which address they saw it.
 */
const REACH_COMMAND = String.raw`while :; do for t in $(nslookup -type=srv _http._tcp.web.default.bubo.internal | awk '/service =/ { sub(/\.$/, "", $NF); print $NF }'); do echo "by-name $t $(timeout 3 wget -q -O - http://$t/cgi-bin/peer)"; done; echo "by-app $(timeout 3 wget -q -O - http://web.default.bubo.internal/cgi-bin/peer)"; sleep 2; done`;

/** One microVM (1 cpu, 256 MiB: TCG here) running the web page and the `reach` loop; public as vm.example.com. */
function vmTask(options: { image: string; group: string }): string {
  const container = (name: string, command: string) => `[[containers]]\nname = "${name}"\nimage = "${options.image}"\ncommand = ["/bin/sh", "-c", '''${command}''']\n\n`;
  return `app = "vm"\ngroup = "${options.group}"\ncount = 1\nruntime = "microvm"\n\n[resources]\ncpus = 1\nmemory = "256MiB"\ndisk = "256MiB"\n\n${container('web', WEB_COMMAND)}${container('reach', REACH_COMMAND)}[[ports]]\nname = "http"\nport = 80\npublic = { host = "${VM_PUBLIC_HOST}" }\n\n[check]\nhttp = { port = "http", path = "/healthz", expect = "ok" }\ninterval = "1s"\ntimeout = "900ms"\n\n[deploy]\ndrain_delay = "0s"\n`;
}

/** `<peer> <id>` from /cgi-bin/peer; busybox httpd writes an IPv4 peer as `[::ffff:a.b.c.d]`. */
function peerLine(body: string): string {
  return body.trim().replace(/^\[::ffff:([0-9.]+)\]/, '$1');
}

/** Runs busybox `argv` inside an instance's container; never throws (exit code and output). */
async function inInstance(instance: InstanceView, container: string, argv: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run('runc', ['exec', `${instance.id}-${container}`, '/bin/busybox', ...argv], { timeout: 20_000 });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** `wget` from inside an instance, bounded with busybox `timeout` (busybox wget -T crashes, PLATFORM §1.8). */
function wget(instance: InstanceView, container: string, url: string, seconds = 5) {
  return inInstance(instance, container, ['timeout', String(seconds), 'wget', '-q', '-O', '-', url]);
}

/** One HTTP request from this (the root) namespace; the outside world of the cluster. */
function get(url: string, host?: string, timeoutMs = 3_000): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = http.get(url, { headers: { connection: 'close', ...(host ? { host } : {}) }, timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ error: e.message }));
  });
}

describe.skipIf(!isRoot)('the instance network across three hosts (routes)', () => {
  const cluster = new ClusterHarness({ hosts: 3, lbHosts: [3], runtimes: hasQemu ? { [VM_HOST]: ['qemu', 'runc'] } : {} });
  let web: InstanceView[] = [];
  let redis: InstanceView;
  let other: InstanceView;
  /** The web instance on host n. */
  const webOn = (n: number) => web.find((i) => i.host === `host-${n}`)!;

  const serving = async (namespace: string, app: string, count: number) => {
    const status = await cluster.client.call('getApp', { params: { namespace, app } });
    const up = status.instances.filter((i) => i.desired === 'run' && i.state === 'running' && i.health === 'healthy');
    return up.length === count ? up : false;
  };

  beforeAll(async () => {
    try {
      await cluster.start();
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    const { images, group } = cluster;
    // First, so that it boots (the slowest, under TCG) while the rest starts, and so that its
    // test waits for it only after the others ran. Only host 2 offers microVMs.
    if (hasQemu) await cluster.client.call('deploy', { body: { task: vmTask({ image: images.httpdV1, group }) } });
    await cluster.client.call('deploy', { body: { task: task({ app: 'web', count: 3, image: images.httpdV1, web: true, group }) } });
    await cluster.client.call('deploy', { body: { task: task({ app: 'redis', count: 1, image: images.redis, redis: true, group }) } });
    await cluster.client.call('deploy', { body: { task: task({ app: 'probe', namespace: 'other', count: 1, image: images.httpdV1, group }) } });
    web = await waitFor('3 healthy web instances', () => serving('default', 'web', 3), 90_000);
    [redis] = (await waitFor('redis healthy', () => serving('default', 'redis', 1), 60_000)) as [InstanceView];
    [other] = (await waitFor('probe healthy', () => serving('other', 'probe', 1), 60_000)) as [InstanceView];
  }, 240_000);

  afterAll(async () => {
    await cluster.destroy();
    await cluster.removeDir();
  }, 60_000);

  it('spreads web over the three hosts, and every host routes to the two other subnets through their addresses', async () => {
    expect(web.map((i) => i.host).sort()).toEqual(['host-1', 'host-2', 'host-3']);
    for (const n of [1, 2, 3]) {
      expect(webOn(n).address).toMatch(new RegExp(`^10\\.252\\.${n}\\.\\d+$`));
      const routes = await waitFor(`routes on host ${n}`, async () => {
        const listed = JSON.parse(await cluster.inHost(n, ['ip', '-j', '-4', 'route', 'show', 'proto', '176'])) as { dst: string; gateway: string }[];
        return listed.length === 2 ? listed : false;
      });
      const expected = [1, 2, 3].filter((m) => m !== n).map((m) => ({ dst: `10.252.${m}.0/24`, gateway: cluster.hostAddress(m) }));
      expect(routes.map(({ dst, gateway }) => ({ dst, gateway }))).toEqual(expected);
    }
  });

  it('an instance on host 1 reaches web on host 2 by address and by name, and web sees its own address (no NAT inside the cluster)', async () => {
    const from = webOn(1);
    const target = webOn(2);
    const byAddress = await waitFor('web on host 2 by address', async () => {
      const r = await wget(from, 'web', `http://${target.address}/cgi-bin/peer`);
      return r.code === 0 && r.out;
    });
    expect(peerLine(byAddress)).toBe(`${from.address} ${target.id}`);
    // By name: the instance's own name, and the app's name, through host 1's DNS.
    const byInstanceName = await wget(from, 'web', `http://${target.id}.bubo.internal/cgi-bin/peer`);
    expect(byInstanceName.code).toBe(0);
    expect(peerLine(byInstanceName.out)).toBe(`${from.address} ${target.id}`);
    const lookup = await inInstance(from, 'web', ['nslookup', 'web.default.bubo.internal']);
    for (const i of web) expect(lookup.out).toContain(i.address!);
    expect(lookup.out).toContain('10.252.1.1'); // answered by host 1's DNS on its bridge
    const byAppName = await wget(from, 'web', 'http://web.default.bubo.internal/cgi-bin/peer');
    expect(byAppName.code).toBe(0);
    expect(web.map((i) => `${from.address} ${i.id}`)).toContain(peerLine(byAppName.out));
  });

  it('every web instance reaches redis by name, whichever host it runs on', async () => {
    for (const from of web) {
      const reply = await inInstance(from, 'web', ['sh', '-c', "printf 'PING\\r\\nQUIT\\r\\n' | timeout 5 nc redis.default.bubo.internal 6379"]);
      expect(reply.out, `from ${from.host} to redis on ${redis.host}`).toContain('+PONG');
    }
  });

  it('the load balancer on host 3 serves the instances of every host', async () => {
    const seen = new Map<string, string>();
    for (let n = 0; n < 30 && seen.size < 3; n++) {
      const reply = await get(`http://${cluster.hostAddress(3)}/cgi-bin/peer`, PUBLIC_HOST);
      expect(reply).toMatchObject({ status: 200 });
      const [peer, id] = peerLine((reply as { body: string }).body).split(' ') as [string, string];
      seen.set(id, peer);
    }
    expect([...seen.keys()].sort()).toEqual(web.map((i) => i.id).sort());
    // NGINX on host 3 connects to other hosts' instances from host 3's address, to its own from its bridge.
    expect(seen.get(webOn(1).id)).toBe(cluster.hostAddress(3));
    expect(seen.get(webOn(2).id)).toBe(cluster.hostAddress(3));
    expect(seen.get(webOn(3).id)).toBe('10.252.3.1');
  });

  it('carries full-size packets between hosts', async () => {
    const big = await wget(webOn(1), 'web', `http://${webOn(2).address}/cgi-bin/big`, 10);
    expect(big.code).toBe(0);
    expect(big.out.length).toBe(200 * 1024);
  });

  it('an instance of namespace other cannot connect to web, on its own host or across hosts', async () => {
    const n = Number(other.host.slice('host-'.length));
    // It works otherwise: it resolves names and the way to web is there (a default-namespace instance on the same host connects).
    expect((await inInstance(other, 'web', ['nslookup', 'web.default.bubo.internal'])).out).toContain(webOn(n).address!);
    // All at once: each attempt waits out its 3 s timeout.
    const attempts = await Promise.all(web.map(async (target) => ({ target, denied: await wget(other, 'web', `http://${target.address}/cgi-bin/peer`, 3) })));
    for (const { target, denied } of attempts) {
      const where = target.host === other.host ? 'same host' : 'another host';
      expect(denied.code, `${where}: ${denied.out}`).not.toBe(0);
      expect(denied.out).not.toContain(target.id);
    }
    // The same request from web on that host goes through.
    const allowed = await wget(webOn(n), 'web', `http://${webOn(n === 1 ? 2 : 1).address}/cgi-bin/peer`);
    expect(allowed.code).toBe(0);
  });

  it('the outside world reaches instances only through the load balancer; instances reach the outside world', async () => {
    // The root namespace is the internet: give it a route into the cluster through host 3.
    await run('ip', ['route', 'replace', cluster.clusterCidr, 'via', cluster.hostAddress(3), 'dev', cluster.switchName]);
    try {
      // The route works: host 3's DNS on its bridge answers from out here.
      const { stdout } = await run('dig', ['+short', '+time=2', '+tries=1', `@10.252.3.1`, 'web.default.bubo.internal']);
      expect(stdout).toContain(webOn(3).address!);
      const targets = [webOn(3), webOn(1)];
      const direct = await Promise.all(targets.map((target) => get(`http://${target.address}/cgi-bin/peer`, undefined, 2_000)));
      for (const [n, target] of targets.entries()) expect(direct[n], `direct to ${target.address} on ${target.host}`).toEqual({ error: 'timeout' });
      expect(await get(`http://${cluster.hostAddress(3)}/cgi-bin/peer`, PUBLIC_HOST)).toMatchObject({ status: 200 });
    } finally {
      await run('ip', ['route', 'del', cluster.clusterCidr, 'dev', cluster.switchName]).catch(() => {});
    }
    // Egress: an instance on host 1 reaches the server (outside the cluster CIDR), masqueraded.
    const health = await wget(webOn(1), 'web', `${cluster.server.url}/v1/health`);
    expect(health.code).toBe(0);
    expect(health.out).toContain('ok');
  });

  it.skipIf(!hasQemu)('a microVM on host 2 and instances on the other hosts reach each other by name and address, sources kept, and the load balancer on host 3 serves it', async () => {
    const vmHost = cluster.hosts[VM_HOST - 1]!;
    const vm = await waitFor('the microVM running and healthy', async () => (await serving('default', 'vm', 1)) || false, 150_000)
      .then((up) => up[0]!)
      .catch((error) => {
        throw new Error(`${(error as Error).message}; agent of host ${VM_HOST}: ${vmHost.agent.output.slice(-3000)}`);
      });
    expect(vm.host).toBe(vmHost.name);
    expect(vm.address).toMatch(new RegExp(`^10\\.252\\.${VM_HOST}\\.\\d+$`));
    // A QEMU process of that host's agent, on a tap of that host's bridge.
    expect(await qemusUnder(vmHost.stateDir)).toHaveLength(1);
    const ports = JSON.parse(await cluster.inHost(VM_HOST, ['ip', '-j', 'link', 'show', 'master', 'bubo0'])) as { ifname: string }[];
    expect(ports.filter((l) => l.ifname.startsWith('bt'))).toHaveLength(1);

    // Meanwhile (each refusal waits out its timeout): namespace other cannot connect to the VM.
    const denied = wget(other, 'web', `http://${vm.address}/cgi-bin/peer`, 3);
    const from = webOn(1);
    const byAddress = await waitFor('the microVM from host 1 by address', async () => {
      const r = await wget(from, 'web', `http://${vm.address}/cgi-bin/peer`);
      return r.code === 0 && r.out;
    });
    expect(peerLine(byAddress)).toBe(`${from.address} ${vm.id}`);
    for (const name of [`${vm.id}.bubo.internal`, 'vm.default.bubo.internal']) {
      const byName = await wget(from, 'web', `http://${name}/cgi-bin/peer`);
      expect(peerLine(byName.out), name).toBe(`${from.address} ${vm.id}`);
    }

    // The VM reaches web on hosts 1 and 3 by their names (the VM's `reach` log), seen from its own address.
    const others = web.filter((i) => i.host !== vmHost.name);
    let lines: string[] = [];
    await waitFor(
      'the microVM to reach web on the other hosts by name',
      async () => {
        lines = [];
        for await (const line of await cluster.client.stream('appLogs', { params: { namespace: 'default', app: 'vm' }, query: { tail: 40 } })) {
          if ('line' in line && line.container === 'reach') lines.push(line.line.replace(/\[::ffff:([0-9.]+)\]/, '$1'));
        }
        return others.every((i) => lines.includes(`by-name ${i.id}.bubo.internal ${vm.address} ${i.id}`));
      },
      30_000,
    ).catch((error) => {
      throw new Error(`${(error as Error).message}; reach log: ${lines.slice(-12).join('\n')}`);
    });

    const lb = await waitFor('the load balancer on host 3 to serve the microVM', async () => {
      const reply = await get(`http://${cluster.hostAddress(3)}/cgi-bin/peer`, VM_PUBLIC_HOST);
      return 'status' in reply && reply.status === 200 && reply.body;
    });
    expect(peerLine(lb)).toBe(`${cluster.hostAddress(3)} ${vm.id}`);

    const refused = await denied;
    expect(refused.code, refused.out).not.toBe(0);
    expect(refused.out).not.toContain(vm.id);
  }, 200_000);

  it('tearing the cluster down leaves no namespace, link, route or process (no QEMU either)', async () => {
    await cluster.destroy();
    expect(await cluster.leftovers()).toEqual([]);
    expect(await qemusUnder(cluster.dir)).toEqual([]);
  }, 60_000);
});

describe.skipIf(!isRoot)('the instance network across two hosts (--overlay vxlan)', () => {
  const cluster = new ClusterHarness({ hosts: 2, overlay: 'vxlan', group: 'vx' });
  let web: InstanceView[] = [];
  const webOn = (n: number) => web.find((i) => i.host === `host-${n}`)!;

  beforeAll(async () => {
    try {
      await cluster.start();
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    await cluster.client.call('deploy', { body: { task: task({ app: 'web', count: 2, image: cluster.images.httpdV1, web: true, group: cluster.group }) } });
    web = await waitFor(
      '2 healthy web instances',
      async () => {
        const status = await cluster.client.call('getApp', { params: { namespace: 'default', app: 'web' } });
        const up = status.instances.filter((i) => i.desired === 'run' && i.state === 'running' && i.health === 'healthy');
        return up.length === 2 ? up : false;
      },
      90_000,
    );
  }, 240_000);

  afterAll(async () => {
    await cluster.destroy();
    await cluster.removeDir();
  }, 60_000);

  it('routes through one VXLAN device with MTU 1450 on the bridge and the instances, source addresses kept, full-size packets carried', async () => {
    expect(web.map((i) => i.host).sort()).toEqual(['host-1', 'host-2']);
    const routes = JSON.parse(await cluster.inHost(1, ['ip', '-j', '-4', 'route', 'show', 'proto', '176'])) as { dst: string; gateway: string; dev: string }[];
    expect(routes.map(({ dst, gateway, dev }) => ({ dst, gateway, dev }))).toEqual([{ dst: '10.252.2.0/24', gateway: '10.252.2.1', dev: 'bubo0-vx' }]);
    const links = JSON.parse(await cluster.inHost(1, ['ip', '-j', 'link', 'show'])) as { ifname: string; mtu: number }[];
    expect(links.filter((l) => ['bubo0', 'bubo0-vx'].includes(l.ifname)).map((l) => [l.ifname, l.mtu])).toEqual([
      ['bubo0', 1450],
      ['bubo0-vx', 1450],
    ]);
    expect((await inInstance(webOn(1), 'web', ['cat', '/sys/class/net/eth0/mtu'])).out.trim()).toBe('1450');
    const reply = await waitFor('web on host 2 over VXLAN', async () => {
      const r = await wget(webOn(1), 'web', `http://${webOn(2).address}/cgi-bin/peer`);
      return r.code === 0 && r.out;
    });
    expect(peerLine(reply)).toBe(`${webOn(1).address} ${webOn(2).id}`);
    const byName = await wget(webOn(2), 'web', `http://${webOn(1).id}.bubo.internal/cgi-bin/peer`);
    expect(peerLine(byName.out)).toBe(`${webOn(2).address} ${webOn(1).id}`);
    const big = await wget(webOn(1), 'web', `http://${webOn(2).address}/cgi-bin/big`, 10);
    expect(big.out.length).toBe(200 * 1024);
  });

  it('tearing the cluster down leaves no namespace, link, route or process', async () => {
    await cluster.destroy();
    expect(await cluster.leftovers()).toEqual([]);
  }, 60_000);
});
