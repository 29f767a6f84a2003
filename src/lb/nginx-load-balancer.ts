import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CatalogResponse } from '../api/catalog.js';
import { CommandError } from '../exec/command-error.js';
import { type Executor, runCommand } from '../exec/run-command.js';
import { LbConfigError } from './lb-config-error.js';
import { nginxSignal, nginxStart, nginxTestConfig } from './nginx-commands.js';
import { type NginxPaths, nginxPaths } from './nginx-paths.js';
import { isProcessAlive } from '../exec/process-stat.js';
import { findNginxMaster, listNginxWorkers } from './nginx-processes.js';
import { renderNginxConfig } from './render-nginx-config.js';
import { routedAddresses } from './routed-addresses.js';

export type LbEventKind = 'lb.reloaded' | 'lb.config_rejected' | 'lb.started' | 'lb.error';

export interface NginxLoadBalancerOptions {
  /** Private directory of this nginx: config, pid file, logs, temp files. Created by `start()`. */
  stateDir: string;
  /** Default `0.0.0.0`. */
  listenAddress?: string;
  /** Public port → local listen port (e.g. `{ 80: 8080 }`); unlisted ports listen as themselves. */
  portMap?: Readonly<Record<number, number>>;
  /** Default `/usr/sbin/nginx` (Debian's package; not in a non-root PATH). */
  nginxPath?: string;
  /** `worker_processes`; default `auto`. */
  workers?: number | 'auto';
  /** Called for every event worth recording (the agent turns them into server events). */
  onEvent?: (kind: LbEventKind, message: string) => void;
  log?: (line: string) => void;
  /** How long a reload may take before it counts as failed; default 10 000 ms. */
  reloadTimeoutMs?: number;
  /** How long `stop()` waits for a graceful quit before a fast shutdown (SIGTERM); default 15 000 ms. */
  stopTimeoutMs?: number;
  /** For tests; default `runCommand`. */
  exec?: Executor;
}

export interface ApplyOutcome {
  /**
   * `reloaded`: the new configuration serves every new connection. `started`: nginx was not
   * running and was started with it. `unchanged`: nothing to do. `rejected`: the catalog or
   * nginx refused the configuration, the old one keeps serving. `failed`: nginx could not be
   * reloaded or started (see `message`).
   */
  status: 'reloaded' | 'started' | 'unchanged' | 'rejected' | 'failed';
  message: string;
}

type CatalogInput = Pick<CatalogResponse, 'services'> & { index?: number };

const DEFAULT_NGINX = '/usr/sbin/nginx';

/**
 * One private nginx that publishes the catalog's public ports. `apply` renders the catalog, has
 * nginx check the candidate file, moves it into place atomically and reloads gracefully, then
 * waits until every old worker has stopped accepting, so a resolved `apply` means new
 * connections see the new configuration. Applies run one at a time; while one runs, only the
 * newest waiting catalog is applied next (every waiting caller gets that outcome). `apply` never
 * rejects: problems are outcomes and events, and the last good configuration keeps serving.
 */
export class NginxLoadBalancer {
  readonly paths: NginxPaths;
  private readonly nginx: string;
  private readonly exec: Executor;
  private readonly log: (line: string) => void;
  private masterPid: number | null = null;
  /** The configuration text the running master serves (null: unknown, the next apply reloads). */
  private current: string | null = null;
  /** Public port → TLS, from the last configuration nginx accepted (for `url`). */
  private portTls = new Map<number, boolean>();
  private running = false;
  private queued: CatalogInput | null = null;
  private waiters: ((outcome: ApplyOutcome) => void)[] = [];
  private draining: Promise<void> | null = null;
  /**
   * Instance addresses the configuration in effect proxies to; null until an apply has told
   * (an adopted master's catalog is not known). Changes only when a reload is in effect.
   */
  private routed: Set<string> | null = null;
  /** The catalog index of the configuration in effect (null: none applied by this process yet). */
  private inEffect: number | null = null;
  /** Checks re-run whenever what is in effect changes (`whenNotRouting`, `whenServes`). */
  private effectListeners = new Set<() => void>();

  constructor(private readonly options: NginxLoadBalancerOptions) {
    this.paths = nginxPaths(options.stateDir);
    this.nginx = options.nginxPath ?? DEFAULT_NGINX;
    this.exec = options.exec ?? runCommand;
    this.log = options.log ?? (() => {});
  }

  /** The master's pid, once started or adopted. */
  get pid(): number | null {
    return this.masterPid;
  }

  /**
   * Creates the state directory and starts nginx with a configuration that publishes nothing,
   * or adopts the master a previous agent left running on this state directory (its
   * configuration keeps serving until the first `apply`). Safe to call again.
   */
  async start(): Promise<{ pid: number; adopted: boolean }> {
    if (this.running && this.masterPid !== null && (await isProcessAlive(this.masterPid))) return { pid: this.masterPid, adopted: false };
    await mkdir(join(this.options.stateDir, 'logs'), { recursive: true });
    await mkdir(this.paths.tempDir, { recursive: true });
    const adopted = await findNginxMaster(this.paths.pidFile, this.paths.conf);
    if (adopted !== null) {
      this.masterPid = adopted;
      // Trust the file only if it is the one the master was last seen serving (an agent that
      // died between rename and reload leaves a file nginx never loaded): else the first apply reloads.
      const text = await readFile(this.paths.conf, 'utf8').catch(() => null);
      const served = await readFile(this.paths.servedHash, 'utf8').catch(() => null);
      this.current = text !== null && served === sha256(text) ? text : null;
      this.running = true;
      this.event('lb.started', `adopted the running nginx master (pid ${adopted})`);
      return { pid: adopted, adopted: true };
    }
    const initial = this.render({ services: [] });
    await this.writeCandidate(initial);
    await this.exec(nginxTestConfig(this.nginx, this.paths, this.paths.nextConf));
    await rename(this.paths.nextConf, this.paths.conf);
    const pid = await this.startMaster();
    await this.served(initial);
    this.setRouted({ services: [] });
    this.running = true;
    return { pid, adopted: false };
  }

  /** Publishes `catalog`; resolves when it (or a newer catalog given meanwhile) is in effect or refused. */
  apply(catalog: CatalogInput): Promise<ApplyOutcome> {
    return new Promise((resolve) => {
      this.queued = catalog;
      this.waiters.push(resolve);
      this.startDraining();
    });
  }

  /** Graceful stop: nginx finishes open requests, then exits. Waits for a running apply first. */
  async stop(): Promise<void> {
    this.running = false;
    while (this.draining) await this.draining;
    const pid = this.masterPid ?? (await findNginxMaster(this.paths.pidFile, this.paths.conf));
    this.masterPid = null;
    this.current = null;
    this.setRouted({ services: [] });
    if (pid === null || !(await isProcessAlive(pid))) return;
    try {
      await this.exec(nginxSignal(this.nginx, this.paths, 'quit'));
    } catch (error) {
      this.log(`lb: nginx -s quit failed (${(error as Error).message}); sending SIGQUIT to ${pid}`);
      signal(pid, 'SIGQUIT');
    }
    if (await waitUntil(async () => !(await isProcessAlive(pid)), this.options.stopTimeoutMs ?? 15_000)) return;
    this.log(`lb: nginx ${pid} still runs after a graceful quit; fast shutdown`);
    signal(pid, 'SIGTERM');
    if (await waitUntil(async () => !(await isProcessAlive(pid)), 5_000)) return;
    signal(pid, 'SIGKILL');
    await waitUntil(async () => !(await isProcessAlive(pid)), 5_000);
  }

  /**
   * Resolves once the configuration in effect no longer proxies to `address` (at once if it does
   * not): from then on no new connection goes there, only requests already in flight, which the
   * caller's drain delay lets finish. Resolves `false` after `timeoutMs` (a rejected or failed
   * configuration keeps the old one serving) or when `signal` aborts, so a broken load balancer
   * delays a stop but never blocks it. Before any apply the routing is unknown and this waits.
   */
  whenNotRouting(address: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return this.whenInEffect(() => this.routed !== null && !this.routed.has(address), timeoutMs, signal);
  }

  /**
   * Resolves `true` once the configuration in effect is that of catalog `index` or a later one
   * (an unchanged configuration counts: it routes exactly as that catalog says), so a caller that
   * saw instances in the catalog knows new connections reach them. `false` after `timeoutMs` (a
   * rejected or failed reload keeps an older configuration) or when `signal` aborts.
   */
  whenServes(index: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return this.whenInEffect(() => this.inEffect !== null && this.inEffect >= index, timeoutMs, signal);
  }

  private whenInEffect(holds: () => boolean, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (result: boolean) => {
        clearTimeout(timer);
        this.effectListeners.delete(check);
        signal?.removeEventListener('abort', aborted);
        resolve(result);
      };
      const check = () => {
        if (holds()) done(true);
      };
      const aborted = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      if (signal?.aborted) return done(false);
      signal?.addEventListener('abort', aborted, { once: true });
      this.effectListeners.add(check);
      check();
    });
  }

  /** Where a published host answers, for printing: `http://shop.localhost:8080/`. */
  url(host: string, publicPort: number): string {
    const local = this.options.portMap?.[publicPort] ?? publicPort;
    const tls = this.portTls.get(publicPort) ?? publicPort === 443;
    const scheme = tls ? 'https' : 'http';
    const port = (tls && local === 443) || (!tls && local === 80) ? '' : `:${local}`;
    return `${scheme}://${host}${port}/`;
  }

  /**
   * One drain loop at a time. The loop's promise settles a few microtasks after its last check
   * of `queued`, so a catalog queued in that gap is picked up by the restart in `finally`.
   */
  private startDraining(): void {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      if (this.queued) this.startDraining();
    });
  }

  private async drain(): Promise<void> {
    while (this.queued) {
      const catalog = this.queued;
      const waiters = this.waiters;
      this.queued = null;
      this.waiters = [];
      let outcome: ApplyOutcome;
      try {
        outcome = await this.applyNow(catalog);
      } catch (error) {
        outcome = { status: 'failed', message: `Cannot apply the catalog to nginx: ${(error as Error).message}` };
        if (!(error instanceof ReportedError)) this.event('lb.error', outcome.message);
      }
      for (const resolve of waiters) resolve(outcome);
    }
  }

  private async applyNow(catalog: CatalogInput): Promise<ApplyOutcome> {
    const label = catalog.index === undefined ? 'the catalog' : `catalog ${catalog.index}`;
    if (!this.running) return { status: 'failed', message: `Cannot apply ${label}: the load balancer is not started (call start())` };
    let text: string;
    try {
      text = this.render(catalog);
    } catch (error) {
      if (!(error instanceof LbConfigError)) throw error;
      return this.rejected(error.message);
    }
    const alive = this.masterPid !== null && (await isProcessAlive(this.masterPid));
    if (alive && text === this.current) {
      // Same text, so nginx routes to exactly this catalog's addresses (news for an adopted master).
      this.setRouted(catalog);
      return { status: 'unchanged', message: `${label}: nginx configuration unchanged` };
    }

    await this.writeCandidate(text);
    try {
      await this.exec(nginxTestConfig(this.nginx, this.paths, this.paths.nextConf));
    } catch (error) {
      await rm(this.paths.nextConf, { force: true });
      if (!(error instanceof CommandError) || error.exitCode === null) throw error;
      return this.rejected(`nginx rejected the configuration for ${label}, the previous one keeps serving: ${nginxReason(error.stderr)}`);
    }

    if (!alive) {
      await rename(this.paths.nextConf, this.paths.conf);
      this.current = null;
      const pid = await this.startMaster();
      await this.served(text);
      this.portTls = portTlsOf(catalog);
      this.setRouted(catalog);
      return { status: 'started', message: `nginx was not running; started it (pid ${pid}) with ${label}` };
    }

    const previous = this.current;
    await rename(this.paths.nextConf, this.paths.conf);
    const failure = await this.reload(this.masterPid!);
    if (failure !== null) {
      // The master keeps its old configuration when a reload fails; put the file back to match it,
      // and forget what runs, so the next catalog retries even if it renders the same text.
      if (previous !== null) {
        await this.writeCandidate(previous);
        await rename(this.paths.nextConf, this.paths.conf);
      }
      this.current = null;
      const message = `nginx did not reload ${label}, the previous configuration keeps serving: ${failure}`;
      this.event('lb.error', message);
      return { status: 'failed', message };
    }
    await this.served(text);
    this.portTls = portTlsOf(catalog);
    this.setRouted(catalog);
    const message = `nginx serves ${label} (pid ${this.masterPid})`;
    this.event('lb.reloaded', message);
    return { status: 'reloaded', message };
  }

  /**
   * Sends the reload and waits until it is in effect: a new worker runs and every worker of the
   * old generation is shutting down or gone (it then accepts nothing new). The master writes a
   * failed reload (e.g. a port it cannot bind, which `nginx -t` does not try) to its error log
   * and keeps the old workers; that line is the returned reason. Null on success.
   */
  private async reload(masterPid: number): Promise<string | null> {
    const before = new Set((await listNginxWorkers(masterPid)).map((w) => w.pid));
    const logOffset = await stat(this.paths.errorLog).then((s) => s.size, () => 0);
    try {
      await this.exec(nginxSignal(this.nginx, this.paths, 'reload'));
    } catch (error) {
      return (error as Error).message;
    }
    let reason: string | null = null;
    const done = await waitUntil(async () => {
      const workers = await listNginxWorkers(masterPid);
      const fresh = workers.filter((w) => !before.has(w.pid) && !w.shuttingDown);
      if (fresh.length > 0 && workers.every((w) => !before.has(w.pid) || w.shuttingDown)) return true;
      reason = await readErrors(this.paths.errorLog, logOffset);
      if (reason !== null) return true;
      if (!(await isProcessAlive(masterPid))) {
        reason = `the nginx master (pid ${masterPid}) exited`;
        return true;
      }
      return false;
    }, this.options.reloadTimeoutMs ?? 10_000);
    if (reason !== null) {
      // A failed reload can still be busy: nginx retries a bind() 5 times, 500 ms apart, logging
      // each try. Wait until it is quiet, so its lines are not blamed on the next reload.
      await waitForQuietFile(this.paths.errorLog, 1_000, 5_000);
      return (await readErrors(this.paths.errorLog, logOffset)) ?? reason;
    }
    return done ? null : `no new nginx workers after ${this.options.reloadTimeoutMs ?? 10_000} ms`;
  }

  private async startMaster(): Promise<number> {
    const logOffset = await stat(this.paths.errorLog).then((s) => s.size, () => 0);
    try {
      await this.exec(nginxStart(this.nginx, this.paths));
    } catch (error) {
      const message = `Cannot start nginx: ${error instanceof CommandError ? nginxReason(error.stderr) || error.message : (error as Error).message}`;
      this.event('lb.error', message);
      throw new ReportedError(message);
    }
    // The launcher exits once the daemon forked; the daemon writes the pid file, then forks workers.
    let pid: number | null = null;
    await waitUntil(async () => {
      pid = await findNginxMaster(this.paths.pidFile, this.paths.conf);
      return pid !== null && (await listNginxWorkers(pid)).length > 0;
    }, 5_000);
    if (pid === null) {
      const reason = (await readErrors(this.paths.errorLog, logOffset)) ?? `no live master in ${this.paths.pidFile}`;
      const message = `Cannot start nginx: ${reason}`;
      this.event('lb.error', message);
      throw new ReportedError(message);
    }
    this.masterPid = pid;
    this.event('lb.started', `started nginx (pid ${pid}) with ${this.paths.conf}`);
    return pid;
  }

  private render(catalog: CatalogInput): string {
    const text = renderNginxConfig({
      services: catalog.services,
      paths: this.paths,
      ...(this.options.listenAddress !== undefined && { listenAddress: this.options.listenAddress }),
      ...(this.options.portMap !== undefined && { portMap: this.options.portMap }),
      ...(this.options.workers !== undefined && { workers: this.options.workers }),
    });
    return text;
  }

  private setRouted(catalog: CatalogInput): void {
    this.routed = routedAddresses(catalog.services);
    this.inEffect = catalog.index ?? null;
    for (const listener of [...this.effectListeners]) listener();
  }

  /** Records `text` as what the master serves, in memory and for an agent that adopts it later. */
  private async served(text: string): Promise<void> {
    this.current = text;
    await writeFile(this.paths.servedHash, sha256(text));
  }

  private async writeCandidate(text: string): Promise<void> {
    await writeFile(this.paths.nextConf, text);
  }

  private rejected(message: string): ApplyOutcome {
    this.event('lb.config_rejected', message);
    return { status: 'rejected', message };
  }

  private event(kind: LbEventKind, message: string): void {
    this.log(`lb: ${kind}: ${message}`);
    try {
      this.options.onEvent?.(kind, message);
    } catch (error) {
      this.log(`lb: onEvent failed: ${(error as Error).message}`);
    }
  }
}

/** A failure already raised as an `lb.error` event. */
class ReportedError extends Error {}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function portTlsOf(catalog: CatalogInput): Map<number, boolean> {
  const ports = catalog.services.flatMap((s) => s.ports.flatMap((p) => (p.public ? [[p.public.port, p.public.tls !== null] as const] : [])));
  return new Map(ports);
}

/** nginx's own lines without the "test failed" trailer and the timestamp/pid prefix. */
function nginxReason(stderr: string): string {
  return stderr
    .split('\n')
    .map((l) => l.replace(/^\S+ \S+ \[(\w+)\] \d+#\d+: /, '[$1] ').replace(/^nginx: /, '').trim())
    .filter((l) => l && !/configuration file .* test failed$/.test(l))
    .join('; ');
}

/** The [emerg]/[alert]/[crit] lines written to the error log after `offset`, or null. */
async function readErrors(errorLog: string, offset: number): Promise<string | null> {
  const handle = await open(errorLog, 'r').catch(() => null);
  if (handle === null) return null;
  try {
    const { size } = await handle.stat();
    if (size <= offset) return null;
    const buffer = Buffer.alloc(Math.min(size - offset, 64 * 1024));
    await handle.read(buffer, 0, buffer.length, offset);
    const lines = buffer
      .toString()
      .split('\n')
      .filter((l) => /\[(emerg|alert|crit)\]/.test(l));
    return lines.length > 0 ? [...new Set(nginxReason(lines.join('\n')).split('; '))].join('; ') : null;
  } finally {
    await handle.close();
  }
}

/** Resolves once `path` has not grown for `quietMs` (or after `timeoutMs`). */
async function waitForQuietFile(path: string, quietMs: number, timeoutMs: number): Promise<void> {
  const size = () => stat(path).then((s) => s.size, () => 0);
  let last = await size();
  let since = Date.now();
  await waitUntil(async () => {
    const now = await size();
    if (now !== last) {
      last = now;
      since = Date.now();
    }
    return Date.now() - since >= quietMs;
  }, timeoutMs);
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}
