import { setTimeout as sleep } from 'node:timers/promises';
import { dnsProcessPaths } from '../dns/dns-process-paths.js';
import { dnsProcessState } from '../dns/dns-process-facts.js';
import { removeDnsProcessRecord, writeDnsProcessRecord } from '../dns/dns-process-record.js';
import { DnsServer } from '../dns/dns-server.js';
import { formatUpstream } from '../dns/forwarder.js';
import { parseUpstream, type UpstreamAddress } from '../dns/upstream-address.js';
import { DomainError } from '../errors/domain-error.js';
import { watchCatalogFile } from '../dns/watch-catalog-file.js';

export interface ServeDnsProcessOptions {
  /** The agent's state directory: the catalog is `<stateDir>/catalog.json`, this process's files are under `<stateDir>/dns`. */
  stateDir: string;
  listen: UpstreamAddress;
  /** `ip:port`; empty: the `nameserver` lines of /etc/resolv.conf. */
  upstreams: readonly string[];
  /** A DNS process of the same state directory to take the address over from (an agent of another version replaces it). */
  replacePid?: number;
  /** This bubo's version, recorded for the next agent's adoption decision. */
  version: string;
  /** Ends serving. */
  signal: AbortSignal;
  log: (line: string) => void;
  /** How long to wait for the replaced process to free the address; default 10 000 ms. */
  takeoverTimeoutMs?: number;
}

/** An `ip:port` flag of `bubo dns serve`; a bad one is a usage error naming the flag. */
export function parseDnsServeAddress(flag: string, text: string): UpstreamAddress {
  try {
    return parseUpstream(text);
  } catch (error) {
    throw new DomainError('usage', `${flag}: ${(error as Error).message}`);
  }
}

/** How often a replacing process tries the address while the old one shuts down. */
const TAKEOVER_RETRY_MS = 5;

/**
 * `bubo dns serve`: the agent's DNS server as a process of its own, so names keep resolving
 * while the agent is down, restarting or being upgraded. It answers from `<stateDir>/catalog.json`,
 * which the agent rewrites (by rename) on every catalog change, and reloads it on each change
 * (`watchCatalogFile`). Once bound it writes `<stateDir>/dns/dns.json` (pid, version, address,
 * upstreams), from which the next agent adopts it. With `replacePid`, it loads everything first,
 * then tells that process to stop and binds the moment the address is free, so the gap without
 * an answer is the old process's socket close plus at most one retry interval.
 * Resolves once `signal` has aborted and the sockets are closed; rejects when it cannot bind.
 */
export async function serveDnsProcess(options: ServeDnsProcessOptions): Promise<void> {
  const { log, signal } = options;
  const paths = dnsProcessPaths(options.stateDir);
  const listen = formatUpstream(options.listen);
  const server = new DnsServer({
    listen: { address: options.listen.host, port: options.listen.port },
    ...(options.upstreams.length > 0 ? { upstreams: [...options.upstreams] } : {}),
    log,
  });
  const watch = await watchCatalogFile(
    paths.catalogFile,
    (catalog) => {
      server.update(catalog);
      log(`dns: answering from catalog ${catalog.index} (${catalog.services.length} apps)`);
    },
    { log },
  );
  try {
    const replacing = options.replacePid !== undefined && (await dnsProcessState(options.replacePid, paths.stateDir)) === 'ours';
    if (replacing) process.kill(options.replacePid!, 'SIGTERM');
    const asked = performance.now();
    await bindRetrying(server, replacing ? (options.takeoverTimeoutMs ?? 10_000) : 0, signal);
    if (replacing && !signal.aborted) log(`dns: took ${listen} over from DNS process ${options.replacePid} (${Math.round(performance.now() - asked)} ms after asking it to stop)`);
  } catch (error) {
    watch.close();
    throw error;
  }
  if (!signal.aborted) {
    await writeDnsProcessRecord(paths.recordFile, {
      pid: process.pid,
      version: options.version,
      listen,
      upstreams: [...options.upstreams],
      started_at: new Date().toISOString(),
    });
    log(`dns: serving as pid ${process.pid} (bubo ${options.version}); the agent may stop and restart, names keep resolving`);
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  }
  // The record goes before the sockets: a replacement binds only after they are closed, so its
  // own record is never the one removed here.
  await removeDnsProcessRecord(paths.recordFile, process.pid);
  watch.close();
  await server.stop();
  log(`dns: stopped (${String(signal.reason ?? 'stop')})`);
}

/** `server.start()`, retried every few ms while the address is in use, for up to `waitMs`; returns unbound if `signal` aborts. */
async function bindRetrying(server: DnsServer, waitMs: number, signal: AbortSignal): Promise<void> {
  const deadline = performance.now() + waitMs;
  for (;;) {
    try {
      await server.start();
      return;
    } catch (error) {
      const code = ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code;
      if (signal.aborted) return; // stopping anyway: nothing to report
      if (code !== 'EADDRINUSE' || performance.now() >= deadline) throw error;
      await sleep(TAKEOVER_RETRY_MS);
    }
  }
}
