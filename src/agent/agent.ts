import type { Assignment, RegisterResponse } from '../api/agent-protocol.js';
import type { ApiClient } from '../client/api-client.js';
import { RUNTIME_PREFERENCE } from '../domain/runtime-kind.js';
import { DomainError } from '../errors/domain-error.js';
import { HealthMonitor, type HealthReport } from '../health/health-monitor.js';
import type { Prober } from '../health/prober.js';
import type { Runtime, RuntimeInstance } from '../runtimes/runtime.js';
import type { TaskSpec } from '../taskfile/task-spec.js';

export interface AgentOptions {
  client: ApiClient;
  name: string;
  group: string;
  address: string;
  capacity: { cpus: number; memory_mib: number; disk_mib: number };
  runtimes: Runtime[];
  labels?: Record<string, string>;
  roles?: string[];
  /** This agent's own HTTP listener (`agent-http.ts`), announced at registration. */
  agentUrl?: string;
  /** How long one assignments long-poll may wait on the server. */
  pollWaitMs?: number;
  /** How often running instances are inspected for exits. */
  monitorIntervalMs?: number;
  log?: (line: string) => void;
  /**
   * Runs after each registration and before the agent acts on any assignment: the host's subnet
   * arrives here, and the network must exist before an instance can start.
   */
  onRegistered?: (registration: RegisterResponse) => Promise<void>;
  /**
   * Runs from the supervise tick when no start or stop is in flight, so housekeeping (image
   * garbage collection) never races an instance between pulling its image and recording it.
   */
  onIdle?: () => Promise<void>;
  /** Runs one health check (default: real http, tcp and exec checks); tests inject their own. */
  healthProbe?: Prober;
  /**
   * An instance that fails its health check is restarted in place (restart policy `always` or
   * `on-failure`) at most this many times in a row; then it is reported failed with the last
   * check's output and the server replaces it. Default 3.
   */
  maxUnhealthyRestarts?: number;
  /** How long `stop()` waits for work in flight before it gives up on it. Default 30 s. */
  stopGraceMs?: number;
  /**
   * Resolves once the load balancers no longer send new connections to an instance the server
   * took out of the catalog (the lb of this host: its reload is in effect). A stop waits for it
   * before the drain delay starts, so `drain_delay` is measured from the moment the instance
   * left the upstreams in effect, not from the catalog change (NGINX applies that later). The
   * hook bounds its own wait. Default: resolves at once.
   */
  outOfTraffic?: (instance: { id: string; address: string }, signal: AbortSignal) => Promise<unknown>;
}

type Reported = { state: string; address: string | null; message: string; health: string; healthMessage: string };
type ReportedState = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';
type InstanceReport = { id: string; state: ReportedState; address: string | null; message: string; images?: Record<string, string>; health?: 'none' | 'unknown' | 'healthy' | 'unhealthy'; health_message?: string };

/**
 * The host side of the agent protocol, independent of any runtime: register, heartbeat,
 * long-poll the complete set of instances this host should hold, converge to it, report states.
 * Declarative and idempotent: converging twice to the same set does nothing the second time.
 * Stopping the agent leaves instances running (they are re-adopted through `Runtime.list`).
 */
export class Agent {
  hostId: string | null = null;
  #o: Required<Omit<AgentOptions, 'labels' | 'roles' | 'onRegistered' | 'agentUrl' | 'onIdle' | 'healthProbe' | 'outOfTraffic'>> &
    Pick<AgentOptions, 'labels' | 'roles' | 'onRegistered' | 'agentUrl' | 'onIdle' | 'healthProbe' | 'outOfTraffic'>;
  #abort = new AbortController();
  #loops: Promise<void>[] = [];
  #assignments = new Map<string, Assignment>();
  #busy = new Map<string, Promise<void>>();
  #failed = new Map<string, string>();
  #reported = new Map<string, Reported>();
  #heartbeatMs = 5_000;
  /** Runtimes whose probe said they cannot work here: never chosen for a start. */
  #unavailable = new Set<Runtime>();
  #health: HealthMonitor;
  /** Restarts in a row after failed health checks, per instance (reset once it is healthy). */
  #unhealthyRestarts = new Map<string, number>();
  /** The check output when an instance turned unhealthy: what is reported (steady, not per check). */
  #unhealthyMessages = new Map<string, string>();

  constructor(options: AgentOptions) {
    this.#o = { pollWaitMs: 30_000, monitorIntervalMs: 1_000, log: () => {}, maxUnhealthyRestarts: 3, stopGraceMs: 30_000, ...options };
    this.#o.runtimes = [...options.runtimes];
    this.#health = new HealthMonitor({
      onChange: (id, report) => this.#healthChanged(id, report),
      log: (line) => this.#o.log(`health: ${line}`),
      ...(options.healthProbe ? { probe: options.healthProbe } : {}),
    });
  }

  async start(): Promise<void> {
    await this.#register();
    const signal = this.#abort.signal;
    this.#loops = [
      this.#every(() => this.#heartbeatMs, () => this.#heartbeat(), signal),
      this.#pollLoop(signal),
      this.#every(() => this.#o.monitorIntervalMs, () => this.#supervise(), signal),
    ];
  }

  /** `--drain-on-exit`: stop every instance this host runs (after `stop`). */
  async drain(): Promise<void> {
    // In parallel: each stop may wait out its instance's stop timeout.
    const stops = [...(await this.#listAll())].map(([id, { runtime }]) => {
      const spec = this.#assignments.get(id)?.spec as unknown as TaskSpec | undefined;
      return runtime.stop(id, spec?.containers?.[0]?.stop_timeout_ms ?? 10_000);
    });
    await Promise.all(stops);
  }

  async #supervise(): Promise<void> {
    for (const runtime of this.#o.runtimes) await runtime.supervise?.();
    await this.#syncHealth();
    await this.#report();
    if (this.#busy.size === 0) await this.#o.onIdle?.();
  }

  /**
   * Stops talking to the server; instances keep running. Work in flight (a start pulling a large
   * image, a stop waiting out a stop timeout, a report to a slow server) gets `stopGraceMs` to
   * finish; past that the agent stops waiting and says what it left, because an agent that cannot
   * be restarted promptly is worse than one whose half-done start the next agent picks up (a start
   * cut short is cleaned up and redone, as after a SIGKILL).
   */
  async stop(): Promise<void> {
    this.#abort.abort();
    const graceMs = this.#o.stopGraceMs;
    const settled = Promise.allSettled([this.#health.stop(), ...this.#loops, ...this.#busy.values()]).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), graceMs);
    });
    const done = await Promise.race([settled, late]);
    clearTimeout(timer);
    if (!done) {
      const busy = [...this.#busy.keys()];
      this.#o.log(
        `stopping: still busy after ${Math.round(graceMs / 1000)}s${busy.length > 0 ? ` with instance(s) ${busy.join(', ')}` : ' (a request to the server or a runtime call)'}; not waiting longer, a restarted agent takes over from here`,
      );
    }
  }

  /** Hands the instances that run (and should) to the health monitor. */
  async #syncHealth(): Promise<void> {
    const running = await this.#listAll();
    const monitored = [];
    for (const assignment of this.#assignments.values()) {
      const have = running.get(assignment.id);
      if (assignment.desired !== 'run' || !have || have.instance.state !== 'running' || this.#busy.has(assignment.id)) continue;
      const spec = assignment.spec as unknown as TaskSpec;
      monitored.push({ id: assignment.id, address: have.instance.address, spec, startedAt: have.instance.startedAt, runtime: have.runtime });
    }
    this.#health.sync(monitored);
  }

  /**
   * Reports a health change at once. An instance that turned unhealthy is restarted in place per
   * its restart policy, a few times in a row at most; then it is failed so the server replaces it.
   */
  #healthChanged(id: string, report: HealthReport): void {
    if (report.health === 'healthy') this.#unhealthyRestarts.delete(id);
    if (report.health === 'unhealthy') this.#unhealthyMessages.set(id, report.message);
    else this.#unhealthyMessages.delete(id);
    // The unhealthy state reaches the server (and the catalog drops the instance) before the
    // restart begins: once it is busy restarting, reports say `starting`.
    const reported = this.#report().catch(() => {});
    if (report.health !== 'unhealthy') return;
    void reported.then(() => this.#restartUnhealthy(id, report));
  }

  #restartUnhealthy(id: string, report: HealthReport): void {
    const assignment = this.#assignments.get(id);
    if (!assignment || assignment.desired !== 'run' || this.#busy.has(id)) return;
    const spec = assignment.spec as unknown as TaskSpec;
    const restarts = this.#unhealthyRestarts.get(id) ?? 0;
    const policy = spec.containers?.[0]?.restart ?? 'always';
    const giveUp = policy === 'never' || restarts >= this.#o.maxUnhealthyRestarts;
    const why = giveUp
      ? policy === 'never'
        ? `unhealthy (restart = "never"): ${report.message}`
        : `unhealthy after ${restarts} restart(s): ${report.message}`
      : `restarting after failed health check: ${report.message}`;
    this.#o.log(`instance ${id}: ${why}`);
    void this.event('instance.restarting', `instance ${id} ${why}`, `${assignment.namespace}/${assignment.app}`);
    this.#track(
      id,
      (async () => {
        const have = (await this.#listAll()).get(id);
        // It left the catalog with the unhealthy report; a slow instance may still answer, so
        // the load balancer stops sending to it before it goes (no drain delay: it is unhealthy).
        if (have?.instance.state === 'running') await this.#outOfTraffic(id, have.instance.address);
        await have?.runtime.stop(id, spec.containers?.[0]?.stop_timeout_ms ?? 10_000);
        if (giveUp) {
          this.#failed.set(id, why);
          return;
        }
        this.#unhealthyRestarts.set(id, restarts + 1);
        await this.#startInstance(assignment);
      })(),
    );
  }

  /** Records an event in the server's log; best effort (the agent's own log has it too). */
  async event(kind: string, message: string, app?: string): Promise<void> {
    if (!this.hostId) return;
    await this.#o.client.call('agentEvent', { body: { host_id: this.hostId, kind, message, ...(app ? { app } : {}) } }).catch(() => {});
  }

  async #register(): Promise<void> {
    const runtimes = await Promise.all(this.#o.runtimes.map((r) => r.probe()));
    this.#unavailable = new Set(this.#o.runtimes.filter((_, n) => !runtimes[n]!.available));
    const answer = await this.#o.client.call('agentRegister', {
      body: {
        name: this.#o.name,
        group: this.#o.group,
        address: this.#o.address,
        capacity: this.#o.capacity,
        runtimes,
        labels: this.#o.labels ?? {},
        roles: this.#o.roles ?? [],
        ...(this.#o.agentUrl ? { agent_url: this.#o.agentUrl } : {}),
      },
    });
    await this.#o.onRegistered?.(answer);
    this.hostId = answer.host_id;
    this.#heartbeatMs = answer.heartbeat_interval_ms;
    this.#reported.clear();
    this.#o.log(`registered as ${answer.host_id} with subnet ${answer.subnet}`);
  }

  async #heartbeat(): Promise<void> {
    try {
      await this.#o.client.call('agentHeartbeat', { body: { host_id: this.hostId! } });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'not_found') await this.#register();
      else throw error;
    }
  }

  async #pollLoop(signal: AbortSignal): Promise<void> {
    let index = 0;
    let backoff = 250;
    while (!signal.aborted) {
      try {
        const answer = await this.#o.client.call('agentAssignments', {
          query: { host_id: this.hostId!, index, wait_ms: this.#o.pollWaitMs },
          signal,
          timeoutMs: this.#o.pollWaitMs + 10_000,
        });
        // An index that went backwards means the server restarted: report everything again.
        if (answer.index < index) this.#reported.clear();
        index = answer.index;
        backoff = 250;
        this.#assignments = new Map(answer.instances.map((a) => [a.id, a]));
        await this.#converge();
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof DomainError && error.code === 'not_found') await this.#register().catch(() => {});
        this.#o.log(`assignments: ${(error as Error).message}; retrying in ${backoff} ms`);
        this.#reported.clear();
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
  }

  /** Starts what should run, stops what should not, and reports. */
  async #converge(): Promise<void> {
    const running = await this.#listAll();
    for (const assignment of this.#assignments.values()) {
      const have = running.get(assignment.id);
      if (assignment.desired === 'run' && !have && !this.#busy.has(assignment.id) && !this.#failed.has(assignment.id)) {
        this.#track(assignment.id, this.#startInstance(assignment));
      }
      if (assignment.desired === 'stop' && !this.#busy.has(assignment.id)) {
        this.#track(assignment.id, this.#stopInstance(assignment.id, have?.runtime, assignment));
      }
    }
    for (const [id, { runtime }] of running) {
      if (!this.#assignments.has(id) && !this.#busy.has(id)) this.#track(id, this.#stopInstance(id, runtime));
    }
    for (const id of this.#failed.keys()) if (!this.#assignments.has(id)) this.#failed.delete(id);
    for (const id of this.#unhealthyRestarts.keys()) if (!this.#assignments.has(id)) this.#unhealthyRestarts.delete(id);
    for (const id of this.#unhealthyMessages.keys()) if (!this.#assignments.has(id)) this.#unhealthyMessages.delete(id);
    await this.#syncHealth();
    await this.#report();
  }

  #track(id: string, work: Promise<void>): void {
    const done = work.finally(() => {
      this.#busy.delete(id);
      // Hand a just-started instance to the health checks now, not on the next supervise tick.
      void this.#syncHealth()
        .then(() => this.#report())
        .catch(() => {});
    });
    this.#busy.set(id, done);
  }

  async #startInstance(assignment: Assignment): Promise<void> {
    const spec = assignment.spec as unknown as TaskSpec;
    const runtime = this.#runtimeFor(spec);
    if (!runtime) {
      this.#failed.set(assignment.id, `no ${spec.runtime} runtime available on host ${this.#o.name}`);
      return;
    }
    try {
      await runtime.start({ id: assignment.id, app: assignment.app, namespace: assignment.namespace, release: assignment.release, slot: assignment.slot, spec }, this.#abort.signal);
    } catch (error) {
      this.#failed.set(assignment.id, `start failed: ${(error as Error).message}`);
    }
  }

  async #stopInstance(id: string, runtime: Runtime | undefined, assignment?: Assignment): Promise<void> {
    const spec = assignment?.spec as unknown as TaskSpec | undefined;
    const timeout = spec?.containers?.[0]?.stop_timeout_ms ?? 10_000;
    if (runtime) {
      // The server took the instance out of the catalog when it asked for the stop, but NGINX
      // applies that a reload later: first wait until no new connection goes there, then the
      // drain delay lets requests in flight finish and DNS caches follow.
      const drain = spec?.deploy?.drain_delay_ms ?? 0;
      const inspected = await runtime.inspect(id);
      const running = inspected?.state === 'running';
      if (running) await this.#outOfTraffic(id, inspected.address);
      if (drain > 0 && running) await sleep(drain, this.#abort.signal);
      await runtime.stop(id, timeout);
    }
    this.#failed.delete(id);
  }

  /** Waits (bounded by the hook) until no load balancer opens new connections to the instance. */
  async #outOfTraffic(id: string, address: string | null): Promise<void> {
    if (!this.#o.outOfTraffic || address === null) return;
    try {
      await this.#o.outOfTraffic({ id, address }, this.#abort.signal);
    } catch (error) {
      this.#o.log(`instance ${id}: cannot tell whether the load balancer still routes to it (${(error as Error).message}); stopping after the drain delay`);
    }
  }

  #runtimeFor(spec: TaskSpec): Runtime | undefined {
    const preference = RUNTIME_PREFERENCE[spec.runtime] ?? [];
    const ofKind = this.#o.runtimes.filter((r) => r.kind === spec.runtime && !this.#unavailable.has(r));
    return [...ofKind].sort((a, b) => rank(preference, a.name) - rank(preference, b.name))[0];
  }

  async #listAll(): Promise<Map<string, { runtime: Runtime; instance: RuntimeInstance }>> {
    const out = new Map<string, { runtime: Runtime; instance: RuntimeInstance }>();
    for (const runtime of this.#o.runtimes) {
      for (const instance of await runtime.list()) out.set(instance.id, { runtime, instance });
    }
    return out;
  }

  /** Sends the states that changed since the last successful report. */
  async #report(): Promise<void> {
    if (!this.hostId) return;
    const running = await this.#listAll();
    const changes: InstanceReport[] = [];
    for (const assignment of this.#assignments.values()) {
      const now: InstanceReport = { id: assignment.id, ...this.#stateOf(assignment, running.get(assignment.id)?.instance) };
      const spec = assignment.spec as unknown as TaskSpec;
      // Health is only known while running; any other state starts over from unknown (or none).
      const health = now.state === 'running' ? this.#health.health(assignment.id) : undefined;
      now.health = health?.health ?? (spec.check ? 'unknown' : 'none');
      now.health_message = health?.health === 'unhealthy' ? (this.#unhealthyMessages.get(assignment.id) ?? health.message) : '';
      if (now.state === 'running' && spec.check && !health?.checked) {
        // Not checked yet in this agent's life (just started, or re-adopted after an agent
        // restart): say nothing, so the server keeps what it knew and a healthy instance stays
        // in the load balancer instead of dropping out until its first check.
        delete now.health;
        delete now.health_message;
      }
      const last = this.#reported.get(assignment.id);
      if (last && last.state === now.state && last.address === now.address && last.message === now.message && last.health === (now.health ?? last.health) && last.healthMessage === (now.health_message ?? last.healthMessage)) continue;
      changes.push(now);
    }
    if (changes.length === 0) return;
    await this.#o.client.call('agentStatus', { body: { host_id: this.hostId, instances: changes } });
    for (const c of changes) {
      const before = this.#reported.get(c.id);
      this.#reported.set(c.id, { state: c.state, address: c.address, message: c.message, health: c.health ?? before?.health ?? '', healthMessage: c.health_message ?? before?.healthMessage ?? '' });
    }
  }

  #stateOf(assignment: Assignment, instance: RuntimeInstance | undefined) {
    const failure = this.#failed.get(assignment.id);
    const busy = this.#busy.has(assignment.id);
    if (assignment.desired === 'stop') {
      return { state: busy || instance ? ('stopping' as const) : ('stopped' as const), address: instance?.address ?? null, message: '' };
    }
    if (failure) return { state: 'failed' as const, address: null, message: failure };
    // Until `start` resolves the instance is starting, whatever a runtime's list shows of it
    // (runtimes record an instance before starting it, so a crash half-way can be cleaned up).
    if (!instance || busy) return { state: 'starting' as const, address: null, message: '' };
    if (instance.state === 'exited') return { state: 'failed' as const, address: instance.address, message: instance.message };
    return { state: 'running' as const, address: instance.address, message: '', ...(instance.images ? { images: instance.images } : {}) };
  }

  async #every(intervalMs: () => number, fn: () => Promise<void>, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await sleep(intervalMs(), signal);
      if (signal.aborted) return;
      await fn().catch((error) => this.#o.log(`${(error as Error).message}`));
    }
  }
}

function rank(preference: readonly string[], name: string): number {
  const i = preference.indexOf(name);
  return i === -1 ? preference.length : i;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
