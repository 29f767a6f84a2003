import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnDetached } from '../exec/spawn-detached.js';
import { decideDnsAdoption } from './decide-dns-adoption.js';
import { dnsProcessState, findDnsProcesses } from './dns-process-facts.js';
import { type DnsProcessPaths, dnsProcessPaths } from './dns-process-paths.js';
import { readDnsProcessRecord, removeDnsProcessRecord } from './dns-process-record.js';
import { dnsServeArgv } from './dns-serve-argv.js';
import { formatUpstream, readSystemUpstreams } from './forwarder.js';

export interface DnsProcessOptions {
  /** The agent's state directory. */
  stateDir: string;
  /** This bubo's version: a DNS process of another version is replaced. */
  version: string;
  /** How to run bubo; default `[process.execPath, '<this installation>/bin/bubo.js']`. */
  program?: readonly [string, ...string[]];
  /** Read for the upstreams passed to the process; default `/etc/resolv.conf`. */
  resolvConfPath?: string;
  /** How long a started process may take to answer; default 15 000 ms. */
  readyTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL; default 5 000 ms. */
  stopTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface DnsProcessOutcome {
  pid: number;
  outcome: 'adopted' | 'started' | 'replaced';
  reason: string;
}

const DEFAULT_BUBO = fileURLToPath(new URL('../../bin/bubo.js', import.meta.url));
/** The log is rotated (one old generation) when a process is started and it is larger than this. */
const MAX_LOG_BYTES = 1024 * 1024;
/** After a failed start, `keepAlive` tries again this much later. */
const RETRY_MS = 30_000;

/**
 * The agent's side of its DNS process (`bubo dns serve`): start it detached, adopt the one a
 * previous agent left running, replace one of another version, start it again when it died,
 * stop it on drain. The agent feeds it only through the catalog file. Calls run one at a time.
 */
export class DnsProcess {
  readonly paths: DnsProcessPaths;
  readonly #o: DnsProcessOptions;
  readonly #log: (line: string) => void;
  #pid: number | null = null;
  #listen: string | null = null;
  #startedHere = false;
  #retryAt = 0;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: DnsProcessOptions) {
    this.#o = options;
    this.paths = dnsProcessPaths(options.stateDir);
    this.#log = options.log ?? (() => {});
  }

  /** The pid of the process in use, once `ensure` succeeded. */
  get pid(): number | null {
    return this.#pid;
  }

  /** Whether this agent started (or replaced) the process rather than adopting it. */
  get startedHere(): boolean {
    return this.#startedHere;
  }

  /** Makes one DNS process of this state directory answer on `listen` (`ip:port`): adopts, starts or replaces (`decideDnsAdoption`). */
  ensure(listen: string): Promise<DnsProcessOutcome> {
    return this.#serial(() => this.#ensure(listen));
  }

  /**
   * From the agent's idle tick: when the process died (OOM killer, a stray kill), start it again.
   * After a failed start it waits `RETRY_MS` before the next try. Never rejects.
   */
  keepAlive(now = Date.now()): Promise<void> {
    return this.#serial(async () => {
      const listen = this.#listen;
      if (listen === null || now < this.#retryAt) return;
      if (this.#pid !== null && (await dnsProcessState(this.#pid, this.paths.stateDir)) === 'ours') return;
      this.#log(this.#pid === null ? 'DNS: trying to start the DNS process again' : `DNS: process ${this.#pid} is gone; starting a new one`);
      await this.#ensure(listen).then(
        (done) => this.#log(`DNS: ${done.outcome} process ${done.pid}`),
        (error: Error) => this.#log(`DNS: ${error.message}`),
      );
    });
  }

  /** Stops every DNS process of this state directory (`--drain-on-exit`, `bubo up`'s Ctrl-C): SIGTERM, then SIGKILL. */
  stop(): Promise<void> {
    return this.#serial(async () => {
      this.#listen = null;
      const pids = new Set(await findDnsProcesses(this.paths.stateDir));
      if (this.#pid !== null && (await dnsProcessState(this.#pid, this.paths.stateDir)) === 'ours') pids.add(this.#pid);
      this.#pid = null;
      await Promise.all([...pids].map((pid) => this.#terminate(pid)));
      const record = await readDnsProcessRecord(this.paths.recordFile);
      if (record && (await dnsProcessState(record.pid, this.paths.stateDir)) !== 'ours') await removeDnsProcessRecord(this.paths.recordFile, record.pid);
    });
  }

  async #ensure(listen: string): Promise<DnsProcessOutcome> {
    this.#listen = listen;
    const { stateDir, recordFile } = this.paths;
    const upstreams = (await readSystemUpstreams(this.#o.resolvConfPath)).map(formatUpstream);
    const record = await readDnsProcessRecord(recordFile);
    const recorded = record ? await dnsProcessState(record.pid, stateDir) : 'dead';
    const unrecorded = recorded === 'ours' ? [] : (await findDnsProcesses(stateDir)).filter((pid) => pid !== record?.pid);
    const decision = decideDnsAdoption({ record, recorded, unrecorded }, { version: this.#o.version, listen, upstreams });
    if (decision.action === 'adopt') {
      this.#pid = decision.pid;
      this.#startedHere = false;
      return { pid: decision.pid, outcome: 'adopted', reason: decision.reason };
    }
    try {
      const pid = await this.#spawn(listen, upstreams, decision.action === 'replace' ? decision.pid : undefined);
      this.#pid = pid;
      this.#startedHere = true;
      this.#retryAt = 0;
      return { pid, outcome: decision.action === 'replace' ? 'replaced' : 'started', reason: decision.reason };
    } catch (error) {
      this.#pid = null;
      this.#retryAt = Date.now() + RETRY_MS;
      throw error;
    }
  }

  /** Starts `bubo dns serve` and waits until it has written its record (it is bound then). */
  async #spawn(listen: string, upstreams: string[], replacePid: number | undefined): Promise<number> {
    await mkdir(this.paths.dir, { recursive: true, mode: 0o700 });
    await rotate(this.paths.logFile);
    const argv = dnsServeArgv({
      program: this.#o.program ?? [process.execPath, DEFAULT_BUBO],
      stateDir: this.paths.stateDir,
      listen,
      upstreams,
      ...(replacePid === undefined ? {} : { replacePid }),
    });
    const child = spawnDetached(argv, this.paths.logFile);
    let exit: string | null = null;
    void child.exited.then((how) => (exit = how));
    const deadline = Date.now() + (this.#o.readyTimeoutMs ?? 15_000);
    for (;;) {
      if ((await readDnsProcessRecord(this.paths.recordFile))?.pid === child.pid) return child.pid;
      if (exit !== null) throw new Error(`Cannot start the DNS process on ${listen}: it exited (${exit}): ${await lastLines(this.paths.logFile)}`);
      if (Date.now() >= deadline) {
        await this.#terminate(child.pid);
        throw new Error(`Cannot start the DNS process on ${listen}: not answering after ${this.#o.readyTimeoutMs ?? 15_000} ms: ${await lastLines(this.paths.logFile)}`);
      }
      await sleep(25);
    }
  }

  async #terminate(pid: number): Promise<void> {
    const gone = async () => (await dnsProcessState(pid, this.paths.stateDir)) !== 'ours';
    signal(pid, 'SIGTERM');
    if (await waitUntil(gone, this.#o.stopTimeoutMs ?? 5_000)) return;
    this.#log(`DNS: process ${pid} did not stop within ${this.#o.stopTimeoutMs ?? 5_000} ms of SIGTERM; killing it`);
    signal(pid, 'SIGKILL');
    await waitUntil(gone, 5_000);
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => {});
    return next;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

async function waitUntil(done: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() >= deadline) return false;
    await sleep(25);
  }
  return true;
}

async function rotate(logFile: string): Promise<void> {
  const size = (await stat(logFile).catch(() => null))?.size ?? 0;
  if (size > MAX_LOG_BYTES) await rename(logFile, `${logFile}.1`).catch(() => {});
}

/** The end of the process's log: why it could not start (e.g. "bubo: Cannot start DNS server on …: bind EADDRINUSE"). */
async function lastLines(logFile: string): Promise<string> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-3).join(' | ') || '(no output)';
}
