import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import type { CatalogEntry } from '../../src/api/catalog.js';
import { runCommand } from '../../src/exec/run-command.js';
import { ImageCache } from '../../src/images/image-cache.js';
import { nginxSignal, nginxStart, nginxTestConfig } from '../../src/lb/nginx-commands.js';
import { type NginxPaths, nginxPaths } from '../../src/lb/nginx-paths.js';
import { renderNginxConfig } from '../../src/lb/render-nginx-config.js';
import { HostNetwork } from '../../src/net/host-network.js';
import { RuncRuntime } from '../../src/runtimes/runc/runc-runtime.js';
import type { TaskSpec } from '../../src/domain/task-spec.js';
import type { NewInstanceTimes, OldInstanceTimes } from './deploy-timeline.js';
import { nowMs } from './lb-observer.js';
import type { Strategy } from './summarize-deploy.js';

const NGINX = '/usr/sbin/nginx';

export interface ByHandOptions {
  /** Everything of the baseline lives here: network state, image cache, bundles, the nginx prefix. */
  dir: string;
  bridge: string;
  subnet: string;
  cgroupParent: string;
  netnsPrefix: string;
  /** Where its nginx listens (127.0.0.1), and the Host it routes. */
  lbPort: number;
  host: string;
}

interface Live {
  id: string;
  address: string;
}

/** What one by-hand replacement recorded; `servedAt` comes later, from the load balancer's answers. */
export interface ByHandRun {
  created: Omit<NewInstanceTimes, 'servedAt'>[];
  stopped: OldInstanceTimes[];
}

/**
 * The baseline: the same replacement a sysadmin would script without bubo, with the same pieces
 * called directly, in-process: bubo's `RuncRuntime` over `HostNetwork` (veth on a bridge, the
 * same image cache code, so the runtime's own cost is identical on both sides), and an NGINX of
 * its own whose configuration is rendered by bubo's renderer. Per instance: start the new one,
 * poll its `/healthz` every 10 ms until it answers `ok`, rewrite the upstream with the new one
 * in place of an old one, `nginx -t` and `nginx -s reload`, stop the old one. Blue-green: all new
 * ones at once, one reload, all old ones stopped at once. No server, no agent, no long-polls.
 */
export class ByHandDeploy {
  readonly runtime: RuncRuntime;
  readonly network: HostNetwork;
  readonly paths: NginxPaths;
  #live: Live[] = [];
  #release = 0;
  #nginxStarted = false;

  constructor(readonly o: ByHandOptions) {
    this.network = new HostNetwork({ bridge: o.bridge, subnet: o.subnet, stateDir: join(o.dir, 'net'), exec: runCommand, netnsPrefix: o.netnsPrefix });
    const images = new ImageCache({ root: join(o.dir, 'images') });
    this.runtime = new RuncRuntime({ stateDir: join(o.dir, 'runc'), images, network: this.network, cgroupParent: o.cgroupParent });
    this.paths = nginxPaths(join(o.dir, 'lb'));
  }

  /** Replaces every live instance with `spec.count` new ones (the first call only starts them and nginx). */
  async deploy(spec: TaskSpec, strategy: Strategy): Promise<ByHandRun> {
    if (this.#release === 0) await this.network.setupHost();
    const release = ++this.#release;
    const ids = Array.from({ length: spec.count }, (_, n) => `bd-hand-${release}-${n}`);
    const run: ByHandRun = { created: [], stopped: [] };
    if (strategy === 'rolling' && this.#live.length > 0) {
      for (const [n, id] of ids.entries()) {
        const fresh = await this.#startAndWait(spec, release, n, id, run);
        const old = this.#live.shift();
        this.#live.push(fresh);
        await this.#writeAndReload();
        if (old) await this.#stop(old, spec, run);
      }
    } else {
      const fresh = await Promise.all(ids.map((id, n) => this.#startAndWait(spec, release, n, id, run)));
      const old = this.#live;
      this.#live = fresh;
      await this.#writeAndReload();
      await Promise.all(old.map((o) => this.#stop(o, spec, run)));
    }
    return run;
  }

  async #startAndWait(spec: TaskSpec, release: number, slot: number, id: string, run: ByHandRun): Promise<Live> {
    const placedAt = nowMs();
    const instance = await this.runtime.start({ id, app: spec.app, namespace: spec.namespace, release, slot, spec, secrets: {} });
    const runningAt = nowMs();
    if (!instance.address) throw new Error(`Cannot reach instance ${id}: the runtime gave it no address`);
    await waitForHealthz(instance.address, 80);
    run.created.push({ id, placedAt, runningAt, healthyAt: nowMs() });
    return { id, address: instance.address };
  }

  async #stop(old: Live, spec: TaskSpec, run: ByHandRun): Promise<void> {
    const stoppingAt = nowMs();
    await this.runtime.stop(old.id, spec.containers[0]?.stop_timeout_ms ?? 10_000);
    run.stopped.push({ id: old.id, stoppingAt, stoppedAt: nowMs() });
  }

  /** Write a candidate, `nginx -t`, move it into place, reload (or start nginx the first time). */
  async #writeAndReload(): Promise<void> {
    const service: CatalogEntry = {
      app: 'bd',
      namespace: 'default',
      ports: [{ name: 'http', port: 80, protocol: 'http', public: { host: this.o.host, port: 80, tls: null } }],
      instances: this.#live.map((l) => ({ id: l.id, address: l.address, host: 'by-hand' })),
    };
    const text = renderNginxConfig({ services: [service], paths: this.paths, listenAddress: '127.0.0.1', portMap: { 80: this.o.lbPort } });
    await mkdir(join(this.o.dir, 'lb', 'logs'), { recursive: true });
    await mkdir(this.paths.tempDir, { recursive: true });
    await writeFile(this.paths.nextConf, text);
    await runCommand(nginxTestConfig(NGINX, this.paths, this.paths.nextConf));
    await rename(this.paths.nextConf, this.paths.conf);
    if (this.#nginxStarted) await runCommand(nginxSignal(NGINX, this.paths, 'reload'));
    else {
      await runCommand(nginxStart(NGINX, this.paths));
      this.#nginxStarted = true;
    }
  }

  /** Stops nginx and every instance; leaves the bridge and nftables to the caller. */
  async close(): Promise<void> {
    if (this.#nginxStarted) await runCommand(nginxSignal(NGINX, this.paths, 'quit')).catch(() => {});
    for (const instance of await this.runtime.list().catch(() => [])) await this.runtime.stop(instance.id, 500).catch(() => {});
    await rm(join(this.o.dir, 'lb'), { recursive: true, force: true }).catch(() => {});
  }
}

/** `until curl -sf http://ADDR/healthz | grep -q ok; do sleep 0.01; done`, in node. */
async function waitForHealthz(address: string, port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await healthzOk(address, port)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`Instance at ${address}:${port} did not answer /healthz within ${timeoutMs} ms`);
}

function healthzOk(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: address, port, path: '/healthz', timeout: 400, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('ok')));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
  });
}
