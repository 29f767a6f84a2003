import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startHostAgent } from './start-host-agent.js';
import type { NginxLoadBalancer } from '../lb/nginx-load-balancer.js';
import { ApiClient } from '../client/api-client.js';
import type { CoreOptions } from '../core/core-context.js';
import { DomainError } from '../errors/domain-error.js';
import { startServer } from './start-server.js';
import { parseTaskFile } from '../taskfile/parse-task-file.js';
import { ensureDemoImages } from '../up/demo-images.js';
import { DEFAULT_REGISTRY_HOST, startLocalRegistry } from '../up/local-registry.js';
import { ensureUpSecrets } from '../up/ensure-up-secrets.js';
import { retargetImages } from '../up/retarget-images.js';
import { writeUpFile } from '../client/up-file.js';

export interface UpOptions {
  /** State of this `bubo up`: server, agent, registry (default ./.bubo). */
  dir: string;
  listen: string;
  /** Where the load balancer serves public port 80 (the host is an `lb` host). */
  lb: { address: string; port: number };
  /**
   * `host:port` of the local registry (default `127.0.0.1:5055`, where the demo task files look).
   * Elsewhere, task files deployed by `bubo up` get their images on 127.0.0.1:5055 moved here.
   */
  registry?: string;
  /** The instance bridge (default `bubo0`). */
  bridge?: string;
  /** The agent's log listener (default `<address>:7071`). */
  agentListen?: string;
  /** The range hosts' instance subnets come from (default `10.88.0.0/16`). */
  clusterCidr?: string;
  /** Control-plane options (`--host-ttl`: `hostTtlMs` and the heartbeat interval). */
  core?: Partial<CoreOptions>;
  /** Task files to deploy when their app does not exist yet (the demo by default). */
  examplesDir: string | null;
  log: (line: string) => void;
  /** Aborted by Ctrl-C / SIGTERM. */
  signal: AbortSignal;
}

/**
 * `bubo up`: a whole single-machine cloud in one process: control plane (SQLite in DIR), a
 * local registry, this machine as host `local` (runc), and the demo apps. Ctrl-C stops bubo and
 * its instances; a crash leaves instances running and the next `bubo up` re-adopts them.
 */
export async function runUp(options: UpOptions): Promise<void> {
  const dir = resolve(options.dir);
  const log = options.log;
  const server = await startServer({ stateDir: join(dir, 'server'), listen: options.listen, core: coreOptions(options) });
  const cleanups: (() => Promise<void>)[] = [() => server.close()];
  try {
    const token = (await readFile(server.adminTokenPath, 'utf8')).trim();
    await writeUpFile(dir, { addr: server.url, token_file: server.adminTokenPath, pid: process.pid });
    log(`control plane on ${server.url} (state in ${dir})`);

    const registry = await startLocalRegistry({ dataDir: join(dir, 'registry'), host: options.registry ?? DEFAULT_REGISTRY_HOST });
    cleanups.unshift(() => registry.stop());
    log(`registry on ${registry.host}${registry.owned ? '' : ' (already running, not ours)'}`);

    const agent = await startHostAgent({
      server: server.url,
      token,
      group: 'local',
      stateDir: join(dir, 'agent'),
      name: 'local',
      roles: ['lb'],
      microvmFallback: true,
      ...(options.bridge ? { bridge: options.bridge } : {}),
      ...(options.agentListen ? { agentListen: options.agentListen } : {}),
      lbListen: options.lb.address,
      lbPorts: { 80: options.lb.port },
      log: (line) => log(`agent: ${line}`),
    });
    cleanups.unshift(() => agent.stop({ drain: true }));
    const offered = await Promise.all(agent.runtimes.map((r) => r.probe()));
    log(`host "local" joined group local; runtimes: ${offered.map((r) => (r.available ? `${r.name}${r.detail ? ` (${r.detail})` : ''}` : `${r.name} unavailable (${r.reason})`)).join('; ')}`);
    const fallback = offered.find((r) => r.kind === 'microvm' && r.detail?.startsWith('fallback:'));
    if (fallback) log(`microVMs: ${fallback.detail}`);

    const client = new ApiClient({ baseUrl: server.url, token });
    if (options.examplesDir) await deployExamples(client, options.examplesDir, registry.host, { ...options.lb, nginx: agent.lb }, log, options.signal);
    log('ready. Try "bubo status", "bubo hosts", "bubo events" in this directory. Ctrl-C stops bubo and its instances.');
    if (!options.signal.aborted) await new Promise((r) => options.signal.addEventListener('abort', r, { once: true }));
    log('stopping: instances, agent, registry, control plane');
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((e) => log(`while stopping: ${(e as Error).message}`));
  }
  log('stopped');
}

/**
 * The server's options that `bubo up` sets. Agents heartbeat at a fraction of a short TTL (the
 * default interval, 5 s, would let a host with a TTL under it look down between beats).
 */
function coreOptions(options: UpOptions): Partial<CoreOptions> {
  return { ...(options.clusterCidr ? { clusterCidr: options.clusterCidr } : {}), ...options.core };
}

/** How long `bubo up` waits for its load balancer to route to the healthy demo before saying so. */
const LB_APPLY_TIMEOUT_MS = 30_000;

async function deployExamples(
  client: ApiClient,
  examplesDir: string,
  registryHost: string,
  lb: { address: string; port: number; nginx: NginxLoadBalancer | undefined },
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const files = (await readdir(examplesDir)).filter((f) => f.endsWith('.toml')).sort();
  if (files.length === 0) throw new DomainError('invalid_config', `no task files (*.toml) in ${examplesDir}`);
  const existing = new Set((await client.call('listApps', {})).apps.map((a) => `${a.namespace}/${a.name}`));
  const tasks = await Promise.all(files.map(async (f) => ({ file: f, text: await readFile(join(examplesDir, f), 'utf8') })));
  const todo = tasks.filter((t) => {
    const spec = parseTaskFile(t.text, t.file);
    return !existing.has(`${spec.namespace}/${spec.app}`);
  });
  if (todo.length === 0) {
    log('demo already deployed; resuming where it was');
  } else {
    await ensureDemoImages({ registryHost, log, signal });
    for (const task of todo) {
      const text = retargetImages(task.text, task.file, DEFAULT_REGISTRY_HOST, registryHost);
      await ensureUpSecrets(client, parseTaskFile(text, task.file), log);
      const answer = await client.call('deploy', { body: { task: text, filename: task.file } });
      log(`deployed ${task.file}: ${answer.namespace}/${answer.app} release ${answer.release}`);
    }
  }
  const deadline = Date.now() + 180_000;
  while (!signal.aborted && Date.now() < deadline) {
    const { apps } = await client.call('listApps', {});
    if (apps.every((a) => a.healthy >= a.desired)) {
      const { services, index } = await client.call('agentCatalog', { query: { wait_ms: 0 } });
      // Healthy on the server is not yet routed: the load balancer applies the catalog a long-poll
      // answer, an `nginx -t` and a reload later (seconds on a busy machine). The URL printed
      // below must answer when it is printed.
      if (lb.nginx && !(await lb.nginx.whenServes(index, LB_APPLY_TIMEOUT_MS, signal)) && !signal.aborted) {
        log(`the load balancer has not applied catalog ${index} after ${LB_APPLY_TIMEOUT_MS / 1000} s (see the lb lines above); the page may answer 503 until it does`);
      }
      for (const app of apps) {
        const service = services.find((x) => x.app === app.name && x.namespace === app.namespace);
        const where = (service?.instances ?? []).map((i) => i.address);
        log(`${app.namespace}/${app.name}: ${app.healthy}/${app.desired} healthy (${where.join(', ')})`);
        for (const port of service?.ports ?? []) {
          if (!port.public || port.public.tls || port.public.port !== 80) continue;
          const shown = lb.address === '0.0.0.0' ? '127.0.0.1' : lb.address;
          log(`  open http://${port.public.host}:${lb.port}/  (or: curl -H 'Host: ${port.public.host}' http://${shown}:${lb.port}/)`);
        }
      }
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
