import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationView } from '../../src/api/operation-view.js';
import { ClusterHarness } from '../support/cluster-harness.js';
import { lbUpstreams } from '../support/lb-upstreams.js';
import { startLoad } from '../support/load-generator.js';
import { waitFor } from '../support/server-process.js';

const isRoot = process.getuid?.() === 0;
const PUBLIC_HOST = 'maintain.example.com';
const APP = { namespace: 'default', app: 'web' };

function task(image: string, group: string): string {
  return `app = "web"\ngroup = "${group}"\ncount = 3\nruntime = "container"\n\n[availability]\nmin_serving = 2\n\n[resources]\ncpus = 0.2\nmemory = "32MiB"\ndisk = "32MiB"\n\n[[containers]]\nname = "web"\nimage = "${image}"\n\n[[ports]]\nname = "http"\nport = 80\npublic = { host = "${PUBLIC_HOST}" }\n\n[check]\nhttp = { port = "http", path = "/healthz", expect = "ok" }\ninterval = "500ms"\ntimeout = "400ms"\n\n[deploy]\ndrain_delay = "1s"\n`;
}

/**
 * A sysadmin patches and reboots three hosts of a four-host cluster one at a time, under load
 * through the load balancer on host 4 (not maintained here: a group's load balancers are done in
 * their own operation). Each host's agent has a `--maintenance` file whose `patch` appends to a
 * marker file (host 2's fails, as a broken dpkg would) and whose reboot writes a request file:
 * the test then "reboots" that host as `ClusterHarness.reboot` says (agent and every process of
 * its namespace killed, the agent started again on the same state; the kernel and the disk stay).
 */
describe.skipIf(!isRoot)('host maintenance of a group, batch by batch', () => {
  /** The hosts' maintenance files and what their commands leave behind. */
  const dir = mkdtempSync(join(tmpdir(), 'bubo-maintain-'));
  const cluster = new ClusterHarness({
    hosts: 4,
    lbHosts: [4],
    group: 'mt',
    serverArgs: ['--host-ttl', '8s'],
    agentArgs: (n) => ['--maintenance', join(dir, `maintenance-${n}.toml`)],
  });
  const lbUrl = () => `http://${cluster.hostAddress(4)}/`;
  const marker = (n: number, what: string) => join(dir, `host-${n}.${what}`);
  let rebooter: NodeJS.Timeout | undefined;
  const rebooted: number[] = [];

  const serving = async () => {
    const status = await cluster.client.call('getApp', { params: APP });
    return status.instances.filter((i) => i.desired === 'run' && i.state === 'running' && i.health === 'healthy');
  };
  const show = (id: string) => cluster.client.call('getOperation', { params: { id } });

  beforeAll(async () => {
    // The maintenance files are read at agent start.
    for (let n = 1; n <= 4; n++) {
      const patch = n === 2 ? `echo "E: dpkg was interrupted" >&2; exit 100` : `echo patched >> ${marker(n, 'patched')}; echo "0 upgraded, 0 newly installed"`;
      await writeFile(
        join(dir, `maintenance-${n}.toml`),
        `[commands.patch]\nargv = ["/bin/sh", "-c", ${JSON.stringify(patch)}]\n\n[reboot]\nargv = ["/usr/bin/touch", ${JSON.stringify(marker(n, 'reboot-request'))}]\n\n[[checks]]\nname = "root filesystem writable"\nargv = ["/usr/bin/test", "-w", "/"]\n`,
      );
    }
    try {
      await cluster.start();
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    await cluster.client.call('deploy', { body: { task: task(cluster.images.httpdV1, cluster.group) } });
    await waitFor('3 healthy web instances', async () => (await serving()).length === 3, 90_000);
    await waitFor('the load balancer on host 4 to serve all three', async () => (await lbUpstreams(cluster.hosts[3]!.stateDir))?.length === 3, 30_000);
    // The "reboot": whenever a host asks for one, it gets one.
    let busy = false;
    rebooter = setInterval(() => {
      if (busy) return;
      busy = true;
      void (async () => {
        for (let n = 1; n <= 3; n++) {
          if (!existsSync(marker(n, 'reboot-request'))) continue;
          await rm(marker(n, 'reboot-request'), { force: true });
          rebooted.push(n);
          await cluster.reboot(n);
        }
      })().finally(() => {
        busy = false;
      });
    }, 200);
  }, 300_000);

  afterAll(async () => {
    clearInterval(rebooter);
    if (process.env.BUBO_E2E_DEBUG) {
      const events = await cluster.client.call('listEvents', { query: { limit: 1000 } }).catch(() => ({ events: [] }));
      const text = [JSON.stringify(events.events, null, 1), cluster.server.output, ...cluster.hosts.map((h) => `--- ${h.name}\n${h.agent.output}`)].join('\n');
      await writeFile(process.env.BUBO_E2E_DEBUG, text);
    }
    await cluster.destroy();
    expect(await cluster.leftovers()).toEqual([]);
    await cluster.removeDir();
    await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('patches and reboots every host with zero failed requests, pausing after each batch, and pauses on a failed patch until it is skipped', async () => {
    const load = startLoad({ url: lbUrl(), host: PUBLIC_HOST, rps: 25, workers: 8, mode: 'close', timeoutMs: 5_000 });
    const samples: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push((await serving().catch(() => [1, 2, 3])).length);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    try {
      await waitFor('load flowing', async () => load.report().ok >= 40, 20_000);
      const request = { kind: 'maintain' as const, group: cluster.group, hosts: ['host-1', 'host-2', 'host-3'], batch: '1', run: 'patch', reboot: true, pause_after_each_batch: true };
      const plan = await cluster.client.call('planOperation', { body: request });
      expect(plan.ok).toBe(true);
      expect(plan.batches.map((b) => b.hosts)).toEqual([['host-1'], ['host-2'], ['host-3']]);
      const started = await cluster.client.call('startOperation', { body: request });
      const until = (what: string, ok: (op: OperationView) => boolean) =>
        waitFor(what, async () => {
          const op = await show(started.id);
          return ok(op) && op;
        }, 180_000);

      // Batch 1 goes through every step, then the operation pauses as asked.
      const first = await until('batch 1 done and paused', (op) => op.status === 'paused');
      expect(first).toMatchObject({ batch: 2, failure: null });
      expect(rebooted).toEqual([1]);
      await cluster.client.call('actOnOperation', { params: { id: started.id, action: 'resume' } });

      // Host 2's patch fails: the operation pauses with the command's output, then is skipped.
      const failed = await until('the failed patch on host 2', (op) => op.failure !== null);
      expect(failed).toMatchObject({ status: 'paused', failure: { step: 'run', hosts: ['host-2'], output: expect.stringContaining('E: dpkg was interrupted') } });
      await cluster.client.call('actOnOperation', { params: { id: started.id, action: 'skip' } });
      await until('batch 2 done and paused', (op) => op.status === 'paused' && op.batch === 3);
      await cluster.client.call('actOnOperation', { params: { id: started.id, action: 'resume' } });

      const done = await until('the operation done', (op) => op.status === 'done');
      expect(done.hosts.map((h) => [h.name, h.state])).toEqual([
        ['host-1', 'finished'],
        ['host-2', 'skipped'],
        ['host-3', 'finished'],
      ]);
      // Each host patched once (host 2's patch failed and was skipped: no reboot either).
      expect(await readFile(marker(1, 'patched'), 'utf8')).toBe('patched\n');
      expect(existsSync(marker(2, 'patched'))).toBe(false);
      expect(await readFile(marker(3, 'patched'), 'utf8')).toBe('patched\n');
      expect(rebooted).toEqual([1, 3]);
      // Every host is back in service.
      const hosts = (await cluster.client.call('listHosts', {})).hosts;
      expect(hosts.map((h) => [h.name, h.status, h.cordoned])).toEqual([1, 2, 3, 4].map((n) => [`host-${n}`, 'ready', false]));
      await waitFor('3 healthy web instances', async () => (await serving()).length === 3, 30_000);
      const report = await load.stop();
      expect(report.failed, JSON.stringify(report.reasons)).toBe(0);
      expect(report.ok).toBeGreaterThan(200);
      // The app never had fewer serving instances than its minimum (min_serving = 2).
      expect(Math.min(...samples)).toBeGreaterThanOrEqual(2);
    } finally {
      sampling = false;
      await sampler;
      await load.stop();
    }
  }, 600_000);
});
